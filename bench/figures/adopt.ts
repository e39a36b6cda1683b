import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { generate } from '../../src/api/generate.js';
import { loadProject } from '../../src/api/project.js';
import { pull } from '../../src/api/pull.js';
import { validate } from '../../src/api/validate.js';
import { loadConfig } from '../../src/config/config.js';
import { databaseUrl } from '../../src/devdb/dev-database.js';
import { readMigrations } from '../../src/migrations/index.js';
import { ident } from '../../src/plan/quote.js';
import { largeSchema } from '../../test/adopt/large-schema.js';
import { onServer } from '../server.js';
import { peakRssMiB, summarize, time } from '../timing.js';
import { type BenchContext, type Row, rowId } from '../types.js';

type Step = 'pull' | 'validate' | 'generate' | 'floor';

/** Tables of the adopted schema (issue 16: pull → generate of a 300-table schema in under 30 s). */
export const ADOPT_TABLES = 300;

/**
 * Adoption of the generated schema of test/adopt/large-schema.ts at `tables` tables (one
 * shared schema, one tenant template): `pull` (read the database, write YAML), `validate`
 * (load, canonicalise on the dev database) and `generate` (the initial migrations, replayed
 * and verified up, down and up again), each once, in order, as a user adopting a project
 * runs them. The dev database is the bench server by URL. The floor is Postgres creating the
 * schema once from the generated SQL; the goal is the sum in wall time.
 */
export async function adoptTimes(serverUrl: string, tables = ADOPT_TABLES, cpuMs: () => number | null = () => null) {
  const cpu = { pull: null, validate: null, generate: null, floor: null } as Record<Step, number | null>;
  // Each step's wall time, and the CPU it took (see bench/cpu-time.ts) when `cpuMs` can tell.
  const timed = async (step: Step, work: () => Promise<unknown>) => {
    const c0 = cpuMs();
    const ms = await time(work);
    const c1 = cpuMs();
    cpu[step] = c0 === null || c1 === null ? null : c1 - c0;
    return ms;
  };
  const name = `pgfleet_bench_adopt_${tables}`;
  await onServer(serverUrl, `DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
  await onServer(serverUrl, `CREATE DATABASE ${ident(name)}`);
  const url = databaseUrl(serverUrl, name);
  try {
    const schema = largeSchema(tables);
    const client = new pg.Client(url);
    await client.connect();
    await client.query(schema.shared);
    await client.query(schema.tenant);
    await client.end();
    const dir = await mkdtemp(join(tmpdir(), 'pgfleet-bench-adopt-'));
    await mkdir(join(dir, 'schema'));
    const configPath = join(dir, 'pgfleet.yaml');
    await writeFile(
      configPath,
      `database: ${url}\ndevDatabase: ${serverUrl}\ntenants:\n  match: ${schema.tenantSchema}\n`,
    );
    const pulled = await timed('pull', async () => {
      const r = await pull(await loadConfig({ configPath }));
      if (r.notPulled.length > 0) throw new Error(`pull left out ${r.notPulled.length} object(s)`);
    });
    const validated = await timed('validate', async () => validate(await loadProject({ configPath })));
    const generated = await timed('generate', async () => {
      const r = await generate(await loadProject({ configPath }), { name: 'initial' });
      if (!r.written) throw new Error('generate wrote nothing');
    });
    // The floor: what Postgres takes to create the adopted schema once, from the generated
    // migrations' SQL in one message per scope (validate creates it once, to canonicalise
    // the model; generate twice: to canonicalise it, and its up again after its down).
    const set = await readMigrations(join(dir, 'generated'));
    const floorDb = `${name}_floor`;
    await onServer(serverUrl, `CREATE DATABASE ${ident(floorDb)}`);
    let floor = 0;
    try {
      const c = new pg.Client(databaseUrl(serverUrl, floorDb));
      await c.connect();
      floor = await timed('floor', async () => {
        for (const m of set.shared) await c.query(`BEGIN;\n${m.up}\nCOMMIT;`);
        await c.query(`CREATE SCHEMA ${ident(schema.tenantSchema)}`);
        for (const m of set.tenant) {
          await c.query(`BEGIN;\nSET LOCAL search_path = ${ident(schema.tenantSchema)}, public;\n${m.up}\nCOMMIT;`);
        }
      });
      await c.end();
    } finally {
      await onServer(serverUrl, `DROP DATABASE IF EXISTS ${ident(floorDb)} WITH (FORCE)`);
    }
    return { pull: pulled, validate: validated, generate: generated, floor, cpu };
  } finally {
    await onServer(serverUrl, `DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
  }
}

export async function adoptFigure(ctx: BenchContext): Promise<Row[]> {
  const t = await adoptTimes(ctx.serverUrl);
  const row = (who: string, ms: number, extra: Partial<Row> = {}): Row => ({
    id: rowId('adopt', null, who),
    figure: `adopt a ${ADOPT_TABLES}-table schema (pull, validate, generate)`,
    tenants: null,
    who,
    time: summarize([ms]),
    floor: null,
    floorWhat: null,
    rssMiB: peakRssMiB(),
    ...extra,
  });
  const floor = { floor: summarize([t.floor]), floorWhat: 'the generated SQL, once, in one message per scope' };
  return [
    row('pull', t.pull),
    row('validate', t.validate, floor),
    row('generate', t.generate, floor),
    row('pull → generate', t.pull + t.validate + t.generate, {
      goal: { kind: 'ms', max: 30_000, at: ADOPT_TABLES, text: `pull → generate of ${ADOPT_TABLES} tables < 30 s` },
    }),
  ];
}
