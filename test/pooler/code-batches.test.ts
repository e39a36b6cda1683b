import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, rollback } from '../../src/api/fleet.js';
import { PgfleetError } from '../../src/errors.js';
import { writeSum } from '../../src/migrations/index.js';
import { ident } from '../../src/plan/quote.js';
import { appliedVersions, expectNothingLeft, poolerFleet, skipPooler } from './pooler-fleet.js';

/** A batched code migration: its batches commit one by one, its queries outside any transaction of pgfleet's. */
const BATCHED = `import type { MigrationContext } from 'pgfleet';

export const transaction = false;

export async function up({ batches }: MigrationContext): Promise<void> {
  await batches({ table: 'services_service', size: 7 }, async ({ query, first, last }) => {
    await query("UPDATE services_service SET name = upper(name) WHERE id BETWEEN $1 AND $2", [first, last]);
  });
}

export async function down({ query }: MigrationContext): Promise<void> {
  await query('UPDATE services_service SET name = lower(name)');
}
`;
const ROWS = 30;

/**
 * A code migration with `transaction = false` holds its schema with a session lock and runs
 * its queries with session settings: behind a transaction pooler those would land on
 * whichever server connection the pooler picks. It goes to directDatabase, as a concurrent
 * index build does; without one the run stops before any schema is touched.
 */
describe.skipIf(skipPooler())('a batched code migration behind PgBouncer', { timeout: 90_000 }, () => {
  const fleet = poolerFleet(3);
  const upper = async () =>
    (
      await fleet().db.client.query<{ n: number }>(
        fleet()
          .tenants.map((t) => `SELECT count(*)::int AS n FROM ${ident(t)}.services_service WHERE name = upper(name)`)
          .join(' UNION ALL '),
      )
    ).rows.map((r) => r.n);

  it('without directDatabase: stops before any schema is touched, naming the module', async () => {
    const f = fleet();
    await f.upTo(2);
    expect((await migrate(await f.project())).summary.failed).toBe(0);
    await f.db.client.query(
      f.tenants
        .map(
          (t) =>
            `INSERT INTO ${ident(t)}.services_service (name) SELECT 'service ' || i FROM generate_series(1, ${ROWS}) i`,
        )
        .join(';\n'),
    );
    const gen = join(f.dir, 'generated');
    await writeFile(join(gen, 'tenant', '0002_shout_names.ts'), BATCHED);
    await writeSum(gen);
    const before = await appliedVersions(f);
    const run = await migrate(await f.project()).catch((e: unknown) => e);
    expect(run).toBeInstanceOf(PgfleetError);
    expect((run as PgfleetError).code).toBe('input');
    expect((run as Error).message).toMatch(
      /tenant\/0002_shout_names\.ts runs `its code \(export const transaction = false\)` outside a transaction, which needs a real session, and .* is a PgBouncer .*no directDatabase; nothing was run/,
    );
    expect(await appliedVersions(f)).toEqual(before);
    expect(await upper()).toEqual([0, 0, 0]);
    await expectNothingLeft(f);
  });

  it('with directDatabase: runs there, batch by batch, both ways, leaving nothing on the pooler', async () => {
    const f = fleet();
    await f.configure(`directDatabase: ${f.directUrl}\n`);
    const r = await migrate(await f.project());
    expect(r.summary).toMatchObject({ applied: 3, failed: 0 });
    expect(await upper()).toEqual([ROWS, ROWS, ROWS]);
    // Finished: its progress is forgotten with the history row.
    expect((await f.db.client.query('SELECT count(*)::int AS n FROM pgfleet.batch_progress')).rows[0].n).toBe(0);
    await expectNothingLeft(f);
    const back = await rollback(await f.project(), { only: { scope: 'tenant' }, steps: 1 });
    expect(back.summary).toMatchObject({ applied: 3, failed: 0 });
    expect(await upper()).toEqual([0, 0, 0]);
    await expectNothingLeft(f);
  });

  it('recording it with --fake needs no session: the ledger row is written through the pooler', async () => {
    const f = fleet();
    await f.configure();
    const r = await migrate(await f.project(), { fake: true });
    expect(r.summary).toMatchObject({ applied: 3, failed: 0 });
    const applied = await appliedVersions(f);
    for (const t of f.tenants) expect(applied.get(t), t).toEqual(['0001', '0002']);
    expect(await upper()).toEqual([0, 0, 0]);
    await expectNothingLeft(f);
  });
});
