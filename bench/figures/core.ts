import { createClient } from '@pgkit/client';
import { Migration } from '@pgkit/migra';
import pg from 'pg';
import pgStructureModule from 'pg-structure';
import { openDevDatabase } from '../../src/devdb/dev-database.js';
import { diff } from '../../src/diff/diff.js';
import { canonicalise } from '../../src/inspect/canonicalise.js';
import { inspectSchema } from '../../src/inspect/index.js';
import { emptyModel } from '../../src/model/build.js';
import { plan } from '../../src/plan/plan.js';
import { ident } from '../../src/plan/quote.js';
import { CATALOG_QUERY, LIVE_SCHEMA } from '../core-setup.js';
import { syntheticModel } from '../models.js';
import { majorOf } from '../server.js';
import { interleaved, peakRssMiB } from '../timing.js';
import { type BenchContext, type Row, rowId } from '../types.js';

const OPTIONS = { sharedSchema: 'public' };

// pg-structure is CommonJS with a default export: Node's ESM loader hands over module.exports.
type PgStructure = typeof pgStructureModule extends { default: infer F } ? F : never;
const pgStructure: PgStructure =
  (pgStructureModule as unknown as { default?: PgStructure }).default ?? (pgStructureModule as unknown as PgStructure);
const FLOOR_READ = 'one catalog query (columns, constraints, indexes) on an open connection';

async function connected(url: string): Promise<pg.Client> {
  const c = new pg.Client(url);
  await c.connect();
  return c;
}

function core(ctx: BenchContext) {
  if (!ctx.core) throw new Error('the core figures need the core databases');
  return ctx.core;
}

/** Introspection of one 200-table schema: pgfleet's inspector and pg-structure beside one catalog query. */
export async function introspect(ctx: BenchContext): Promise<Row[]> {
  const { tables, liveUrl } = core(ctx);
  const client = await connected(liveUrl);
  try {
    const figure = `introspect a ${tables}-table schema`;
    const t = await interleaved(ctx.runs, [
      { name: 'pgfleet', work: () => inspectSchema(client, LIVE_SCHEMA, OPTIONS) },
      { name: 'floor', work: () => client.query(CATALOG_QUERY, [LIVE_SCHEMA]) },
    ]);
    const rss = peakRssMiB();
    const peer = await interleaved(ctx.runs, [
      {
        name: 'pg-structure',
        work: () => pgStructure(client, { includeSchemas: [LIVE_SCHEMA], keepConnection: true }),
      },
    ]);
    const base = { figure, tenants: null, floor: t.floor, floorWhat: FLOOR_READ };
    return [
      { ...base, id: rowId('introspect', null, 'pgfleet'), who: 'pgfleet', time: t.pgfleet, rssMiB: rss },
      {
        ...base,
        id: rowId('introspect', null, 'pg-structure'),
        who: 'pg-structure 7.15.3',
        time: peer['pg-structure'],
        rssMiB: null,
      },
    ];
  } finally {
    await client.end();
  }
}

/**
 * The core pipeline on a 200-table model: canonicalise it through a scratch database,
 * inspect the live schema, diff and plan. The floor is the work Postgres must do for it
 * anyway: the model's DDL in a new schema (one message) and one catalog query of each side.
 */
export async function canonicaliseDiff(ctx: BenchContext): Promise<Row[]> {
  const { tables, liveUrl } = core(ctx);
  const model = syntheticModel(tables);
  const models = { shared: emptyModel(), tenant: model };
  const major = await majorOf(liveUrl);
  const ddl = plan(diff(emptyModel(), model), { scope: 'tenant', sharedSchema: 'public', serverMajor: major })
    .up.map((s) => `${s.sql};`)
    .join('\n');
  const dev = await openDevDatabase(ctx.serverUrl);
  const client = await connected(liveUrl);
  let changes = -1;
  let run = 0;
  try {
    const t = await interleaved(ctx.runs, [
      {
        name: 'pgfleet',
        work: async () => {
          const desired = (await canonicalise(models, dev, OPTIONS)).tenant;
          const live = await inspectSchema(client, LIVE_SCHEMA, OPTIONS);
          changes = plan(diff(live, desired), { scope: 'tenant', sharedSchema: 'public', serverMajor: major }).changes
            .length;
        },
      },
      {
        name: 'floor',
        work: async () => {
          // Schemas are left behind (dropping 200 tables costs seconds); the database goes at the end.
          const schema = `canon_floor_${run++}`;
          const c = await connected(liveUrl);
          try {
            await c.query(
              `BEGIN; CREATE SCHEMA ${ident(schema)}; SET LOCAL search_path = ${ident(schema)}, public;\n${ddl}\nCOMMIT;`,
            );
            await c.query(CATALOG_QUERY, [schema]);
            await c.query(CATALOG_QUERY, [LIVE_SCHEMA]);
          } finally {
            await c.end();
          }
        },
      },
    ]);
    const note =
      changes === 0 ? undefined : `expected no changes between the live schema and its own model, found ${changes}`;
    return [
      {
        id: rowId('canonicalise', null, 'pgfleet'),
        figure: `canonicalise + inspect + diff + plan, ${tables} tables`,
        tenants: null,
        who: 'pgfleet',
        time: t.pgfleet,
        floor: t.floor,
        floorWhat: 'the model DDL in a new schema (one message) + one catalog query of each side',
        rssMiB: peakRssMiB(),
        ...(note ? { note } : {}),
      },
    ];
  } finally {
    await client.end();
    await dev.close();
  }
}

/** Diff one schema between two databases: pgfleet's inspector + diff + plan, and @pgkit/migra. */
export async function diffTwo(ctx: BenchContext): Promise<Row[]> {
  const { tables, liveUrl, targetUrl } = core(ctx);
  const a = await connected(liveUrl);
  const b = await connected(targetUrl);
  const major = await majorOf(liveUrl);
  let pgfleetChanges = 0;
  let migraSql = '';
  try {
    const t = await interleaved(ctx.runs, [
      {
        name: 'pgfleet',
        work: async () => {
          const [from, to] = [
            await inspectSchema(a, LIVE_SCHEMA, OPTIONS),
            await inspectSchema(b, LIVE_SCHEMA, OPTIONS),
          ];
          pgfleetChanges = plan(diff(from, to), { scope: 'tenant', sharedSchema: 'public', serverMajor: major }).changes
            .length;
        },
      },
      {
        name: 'floor',
        work: async () => {
          await a.query(CATALOG_QUERY, [LIVE_SCHEMA]);
          await b.query(CATALOG_QUERY, [LIVE_SCHEMA]);
        },
      },
    ]);
    const rss = peakRssMiB();
    const from = createClient(liveUrl);
    const to = createClient(targetUrl);
    let migra: Row | null = null;
    try {
      const m = await interleaved(ctx.runs, [
        {
          name: 'migra',
          work: async () => {
            const migration = await Migration.create(from, to, { schema: LIVE_SCHEMA });
            migration.set_safety(false);
            migration.add_all_changes();
            migraSql = migration.sql;
          },
        },
      ]);
      migra = {
        id: rowId('diff-two', null, '@pgkit/migra'),
        figure: `diff one ${tables}-table schema between two databases`,
        tenants: null,
        who: '@pgkit/migra 0.6.1',
        time: m.migra,
        floor: t.floor,
        floorWhat: 'one catalog query of each database',
        rssMiB: null,
        ...(/capacity/.test(migraSql) ? {} : { note: 'migra did not find the added column' }),
      };
    } catch (error) {
      migra = null;
      console.error(`@pgkit/migra could not run here: ${(error as Error).message}`);
    } finally {
      await from.end().catch(() => {});
      await to.end().catch(() => {});
    }
    const rows: Row[] = [
      {
        id: rowId('diff-two', null, 'pgfleet'),
        figure: `diff one ${tables}-table schema between two databases`,
        tenants: null,
        who: 'pgfleet',
        time: t.pgfleet,
        floor: t.floor,
        floorWhat: 'one catalog query of each database',
        rssMiB: rss,
        ...(pgfleetChanges === 1 ? {} : { note: `expected 1 change, found ${pgfleetChanges}` }),
      },
    ];
    if (migra) rows.push(migra);
    return rows;
  } finally {
    await a.end();
    await b.end();
  }
}
