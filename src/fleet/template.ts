import type pg from 'pg';
import { PgfleetError } from '../errors.js';
import type { Migration } from '../migrations/index.js';
import { ident, literal } from '../plan/quote.js';
import { readHistory } from './history.js';

/**
 * `tenants.template`: a tenant schema whose rows (default categories, settings, the seed data
 * django-tenants users keep in a base schema) every new tenant starts with. The structure of
 * the new schema still comes from the tenant migrations, so its history is exact; only rows
 * are copied, from a template at the same latest migration (else their columns could differ).
 * The statements run in the transaction that creates the tenant.
 */
export async function templateCopySql(
  client: pg.ClientBase,
  template: string,
  tenant: string,
  migrations: readonly Migration[],
): Promise<string[]> {
  await checkTemplateVersion(client, template, migrations);
  const catalog = await client.query<{ kind: string; name: string; detail: string[] | null; n: string | null }>(
    TEMPLATE_CATALOG,
    [template],
  );
  const rows = catalog.rows;
  const of = (kind: string) => rows.filter((r) => r.kind === kind);
  const from = (name: string) => `${ident(template)}.${ident(name)}`;
  const to = (name: string) => `${ident(tenant)}.${ident(name)}`;

  const columns = new Map(of('table').map((r) => [r.name, r.detail ?? []]));
  const order = parentsFirst(
    [...columns.keys()],
    of('fk').map((r) => [r.name, r.detail?.[0] ?? ''] as const),
  );
  const triggers = of('trigger').map((r) => ({ table: r.name, trigger: r.detail?.[0] ?? '' }));
  return [
    // Deferrable foreign keys (as Django makes them) are checked at commit, so cycles among them copy too.
    'SET CONSTRAINTS ALL DEFERRED',
    // The template's rows were written once already: its triggers (audit, counters) must not fire again.
    ...triggers.map((t) => `ALTER TABLE ${to(t.table)} DISABLE TRIGGER ${ident(t.trigger)}`),
    ...order
      .filter((table) => (columns.get(table) ?? []).length > 0)
      .map((table) => {
        const list = (columns.get(table) ?? []).map(ident).join(', ');
        return `INSERT INTO ${to(table)} (${list}) OVERRIDING SYSTEM VALUE SELECT ${list} FROM ${from(table)}`;
      }),
    ...triggers.map((t) => `ALTER TABLE ${to(t.table)} ENABLE TRIGGER ${ident(t.trigger)}`),
    // Identity and serial columns go on from where the template's are, not from 1 (else the next insert collides).
    ...of('sequence')
      .filter((r) => r.n !== null)
      .map((r) => `SELECT setval(${literal(to(r.name))}, ${literal(r.n ?? '1')}::bigint, true)`),
    ...of('matview').map((r) => `REFRESH MATERIALIZED VIEW ${to(r.name)}`),
  ];
}

async function checkTemplateVersion(client: pg.ClientBase, template: string, migrations: readonly Migration[]) {
  const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [template]);
  if (exists.rowCount === 0) {
    throw new PgfleetError('input', `the template schema "${template}" (tenants.template) does not exist`, {
      hint: `create it with \`pgfleet tenant create ${template}\` and add the rows every tenant starts with, or remove tenants.template from pgfleet.yaml`,
    });
  }
  const applied = ((await readHistory(client, [template])).get(template) ?? [])
    .filter((r) => r.status === 'applied')
    .map((r) => r.version);
  const latest = migrations.map((m) => m.version);
  if (applied.join() !== latest.join()) {
    throw new PgfleetError(
      'input',
      `the template schema "${template}" is at ${applied.at(-1) ?? 'no migration'}, the latest tenant migration is ${latest.at(-1) ?? 'none'}: its rows may not fit the new tenant`,
      { hint: `migrate it first: \`pgfleet migrate --schema ${template}\`` },
    );
  }
}

/** Tables ordered so that a table comes after those it references; cycles keep name order. */
function parentsFirst(tables: readonly string[], references: ReadonlyArray<readonly [string, string]>): string[] {
  const waitingFor = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const [child, parent] of references)
    if (child !== parent && waitingFor.has(parent)) waitingFor.get(child)?.add(parent);
  const order: string[] = [];
  while (waitingFor.size > 0) {
    const ready = [...waitingFor].filter(([, parents]) => parents.size === 0).map(([t]) => t);
    const next = ready.length > 0 ? ready : [[...waitingFor.keys()].sort()[0]];
    for (const t of next) {
      order.push(t);
      waitingFor.delete(t);
      for (const parents of waitingFor.values()) parents.delete(t);
    }
  }
  return order;
}

// Tables (a partitioned table takes its partitions' rows) with the columns an INSERT may
// name (not generated), foreign keys between them, enabled user triggers, sequences with
// their position, and materialized views.
const TEMPLATE_CATALOG = `
WITH n AS (SELECT oid FROM pg_namespace WHERE nspname = $1)
SELECT 'table' AS kind, c.relname::text AS name,
       array(SELECT a.attname::text FROM pg_attribute a
              WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
              ORDER BY a.attnum) AS detail, NULL AS n
  FROM pg_class c JOIN n ON c.relnamespace = n.oid
 WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
UNION ALL
SELECT 'fk', c.relname::text, ARRAY[p.relname::text], NULL
  FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
  JOIN n ON c.relnamespace = n.oid AND p.relnamespace = n.oid
 WHERE k.contype = 'f' AND k.conparentid = 0
UNION ALL
SELECT 'trigger', c.relname::text, ARRAY[t.tgname::text], NULL
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN n ON c.relnamespace = n.oid
 WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND t.tgparentid = 0 AND NOT c.relispartition
UNION ALL
SELECT 'sequence', s.sequencename::text, NULL, s.last_value::text
  FROM pg_sequences s WHERE s.schemaname = $1
UNION ALL
SELECT 'matview', c.relname::text, NULL, NULL
  FROM pg_class c JOIN n ON c.relnamespace = n.oid
 WHERE c.relkind = 'm' AND c.relispopulated
ORDER BY 1, 2`;
