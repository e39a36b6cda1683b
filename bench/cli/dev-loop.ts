import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir } from '../../src/devdb/embedded.js';
import { stopWarmServers } from '../../src/devdb/warm-server.js';
import { BIN, REPO, runNode } from '../cli-process.js';
import { interleaved, type Measured } from '../timing.js';
import { type BenchContext, type Row, rowId } from '../types.js';

/**
 * The edit loop through the CLI: `validate` and `generate --check` on a small model, cold
 * (`--no-warm`: a private embedded dev server started and stopped by the command) and warm
 * (the warm server kept between commands), alternating. Two models: the one `pgfleet init`
 * writes and the repository's example booking model. Runs in a cache dir of its own; the
 * warm server is stopped at the end.
 */
export async function devLoop(ctx: BenchContext): Promise<Row[]> {
  delete process.env.PGFLEET_WARM;
  // A cache dir of its own that the postgres OS user (when run as root) can enter, with a
  // copy of the user's template cluster when there is one (initdb takes seconds).
  // The suite's cache (PGFLEET_CACHE_DIR) or the user's, where the bench server found one.
  const template = [cacheDir(), join(tmpdir(), `pgfleet-cache-${process.getuid?.() ?? 'user'}`)]
    .map((d) => join(d, 'pg17-template'))
    .find((d) => existsSync(d));
  const cache = await mkdtemp(join(tmpdir(), 'pgfleet-bench-dev-loop-'));
  await chmod(cache, 0o755);
  if (template) execFileSync('cp', ['-a', template, join(cache, 'pg17-template')]);
  process.env.PGFLEET_CACHE_DIR = cache;
  const models = [
    { id: 'init', label: "init's model", dir: await initProject(ctx) },
    { id: 'example', label: 'example model', dir: await exampleProject(ctx) },
  ];
  const rows: Row[] = [];
  try {
    for (const m of models) {
      const run = (args: string[]) => async () => (await runNode([BIN, ...args], { cwd: m.dir })).ms;
      // Untimed: the first warm command starts the warm server (and initdb's the cache's template).
      await run(['validate'])();
      const t = await interleaved(ctx.runs, [
        { name: 'validate cold', work: run(['validate', '--no-warm']) },
        { name: 'validate warm', work: run(['validate']) },
        { name: 'check cold', work: run(['generate', '--check', '--no-warm']) },
        { name: 'check warm', work: run(['generate', '--check']) },
      ]);
      for (const [cmd, key] of [
        ['validate', 'validate'],
        ['generate --check', 'check'],
      ] as const) {
        rows.push(coldRow(m, cmd, t[`${key} cold`]), warmRow(m, cmd, t[`${key} warm`], t[`${key} cold`]));
      }
    }
  } finally {
    await stopWarmServers(join(cache, 'warm'));
    await rm(cache, { recursive: true, force: true });
  }
  return rows;
}

type Model = { id: string; label: string };

const coldRow = (m: Model, cmd: string, time: Measured): Row => ({
  id: rowId(`dev-${cmd.replace(/\W+/g, '-')}-${m.id}-cold`, null, 'pgfleet'),
  figure: `${cmd}, ${m.label}, cold (CLI)`,
  tenants: null,
  who: 'pgfleet',
  time,
  floor: null,
  floorWhat: null,
  rssMiB: null,
});

const warmRow = (m: Model, cmd: string, time: Measured, cold: Measured): Row => ({
  id: rowId(`dev-${cmd.replace(/\W+/g, '-')}-${m.id}-warm`, null, 'pgfleet'),
  figure: `${cmd}, ${m.label}, warm (CLI)`,
  tenants: null,
  who: 'pgfleet',
  time,
  floor: cold,
  floorWhat: 'not a floor: the same command cold (--no-warm), for the ratio',
  rssMiB: null,
  goal: { kind: 'ms', max: 1000, at: null, text: '< 1 s warm' },
});

/** `pgfleet init` and its first migrations (so that `generate --check` finds nothing to do). */
async function initProject(ctx: BenchContext): Promise<string> {
  const dir = join(ctx.root, 'dev-loop-init');
  await mkdir(dir, { recursive: true });
  await runNode([BIN, 'init', '--database-url', ctx.url], { cwd: dir });
  await runNode([BIN, 'generate', '--name', 'initial', '--no-warm'], { cwd: dir });
  return dir;
}

/** The repository's example project (schema/, generated/, pgfleet.yaml with devDatabase: embedded). */
async function exampleProject(ctx: BenchContext): Promise<string> {
  const dir = join(ctx.root, 'dev-loop-example');
  await mkdir(dir, { recursive: true });
  for (const d of ['schema', 'generated']) await cp(join(REPO, d), join(dir, d), { recursive: true });
  const config = await readFile(join(REPO, 'pgfleet.yaml'), 'utf8');
  await writeFile(join(dir, 'pgfleet.yaml'), `${config}\ndatabase: ${ctx.url}\n`);
  return dir;
}
