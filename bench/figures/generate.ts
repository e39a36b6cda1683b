import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from '../../src/api/generate.js';
import { diff } from '../../src/diff/diff.js';
import { readMigrations, writeSum } from '../../src/migrations/index.js';
import { emptyModel } from '../../src/model/build.js';
import { plan } from '../../src/plan/plan.js';
import { ident } from '../../src/plan/quote.js';
import { floorOf } from '../fleet/open.js';
import { historyChange, historyProject } from '../history.js';
import { majorOf } from '../server.js';
import { interleaved, peakRssMiB } from '../timing.js';
import { type BenchContext, type Row, rowId } from '../types.js';

/**
 * `generate` for one change with a long history in the directory: cold (the replay cache
 * empty, so the whole history is replayed on the dev database) and warm (cached). The dev
 * database is the bench server given by URL, as with `devDatabase: <url>`; with the default
 * `embedded`, starting the embedded server adds about a second.
 *
 * Floors: what any replay-and-verify generator must make Postgres do at least once. Cold:
 * replay the history (one message per migration) and create the model (one message), each
 * in a new schema. Warm: create the model.
 */
export async function generateFigure(ctx: BenchContext): Promise<Row[]> {
  if (!ctx.historyDir || !ctx.history) throw new Error('the generate figure needs the history project');
  const size = ctx.history;
  const cache = join(ctx.root, 'cache');
  // cacheDir() reads this at every call: the replay cache of these runs is ours alone.
  process.env.PGFLEET_CACHE_DIR = cache;
  const p = await historyProject({ databaseUrl: ctx.url, devDatabase: ctx.serverUrl, size, dir: ctx.historyDir });
  await p.writeTenantModel(historyChange(size));
  const set = await readMigrations(p.migrations);
  const desired = (await p.load()).tenant;
  const floor = floorOf(ctx);
  const modelDdl = plan(diff(emptyModel(), desired), {
    scope: 'tenant',
    sharedSchema: 'public',
    serverMajor: await majorOf(ctx.url),
  })
    .up.map((s) => `${s.sql};`)
    .join('\n');
  const before = new Set(await readdir(join(p.migrations, 'tenant')));
  const removeNew = async () => {
    for (const f of await readdir(join(p.migrations, 'tenant')))
      if (!before.has(f)) await rm(join(p.migrations, 'tenant', f));
    await writeSum(p.migrations);
  };
  const run = async () => {
    const r = await generate(await p.load(), { name: 'bench change' });
    if (!r.written || r.migrations.length !== 1)
      throw new Error(`generate wrote ${r.migrations.length} migrations, expected 1`);
  };
  let s = 0;
  const schema = (what: string) => `gen_${what}_${s++}`;
  const inNew = (name: string, sql: string) =>
    `BEGIN; CREATE SCHEMA ${ident(name)}; SET LOCAL search_path = ${ident(name)}, public;\n${sql}\nCOMMIT;`;
  const replayScripts = (name: string) => [
    `CREATE SCHEMA ${ident(name)}`,
    ...set.tenant.map((m) => `BEGIN; SET LOCAL search_path = ${ident(name)}, public;\n${m.up}\nCOMMIT;`),
  ];
  const t = await interleaved(ctx.runs, [
    {
      name: 'cold',
      before: () => rm(join(cache, 'replay'), { recursive: true, force: true }),
      work: run,
      after: removeNew,
    },
    { name: 'warm', work: run, after: removeNew },
    {
      name: 'floor cold',
      work: async () =>
        (await floor.run(ctx.url, replayScripts(schema('replay')))) +
        (await floor.run(ctx.url, [inNew(schema('model'), modelDdl)])),
    },
    { name: 'floor warm', work: () => floor.run(ctx.url, [inNew(schema('model'), modelDdl)]) },
  ]);
  const figure = `generate, ${size.tables} tables, ${size.migrations} migrations in the directory`;
  return [
    {
      id: rowId(`generate-cold-${size.tables}x${size.migrations}`, null, 'pgfleet'),
      figure: `${figure}, replay cache cold`,
      tenants: null,
      who: 'pgfleet',
      time: t.cold,
      floor: t['floor cold'],
      floorWhat: `${floor.label.replace(/, one message per schema$/, '')}: replay the history (one message per migration) + create the model once`,
      rssMiB: peakRssMiB(),
    },
    {
      id: rowId(`generate-warm-${size.tables}x${size.migrations}`, null, 'pgfleet'),
      figure: `${figure}, replay cache warm`,
      tenants: null,
      who: 'pgfleet',
      time: t.warm,
      floor: t['floor warm'],
      floorWhat: `${floor.label.replace(/, one message per schema$/, '')}: create the model once`,
      rssMiB: peakRssMiB(),
    },
  ];
}
