import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const PRELOAD = join(REPO, 'bench', 'rss-preload.cjs');

export interface ProcessRun {
  readonly ms: number;
  readonly rssMiB: number;
  readonly stdout: string;
}

/** Run `node <args>` (the built CLI is `bin/run.js`) to completion: wall time and peak RSS. */
export async function runNode(
  args: readonly string[],
  options: { cwd?: string; allowExit?: number[] } = {},
): Promise<ProcessRun> {
  const dir = await mkdtemp(join(tmpdir(), 'pgfleet-rss-'));
  const rssFile = join(dir, 'rss');
  try {
    const t0 = performance.now();
    let stdout = '';
    try {
      stdout = (
        await run(process.execPath, ['--require', PRELOAD, ...args], {
          cwd: options.cwd ?? REPO,
          env: { ...process.env, BENCH_RSS_FILE: rssFile, NO_COLOR: '1' },
          maxBuffer: 1 << 28,
        })
      ).stdout;
    } catch (error) {
      const e = error as Error & { code?: number; stdout?: string; stderr?: string };
      if (!options.allowExit?.includes(e.code ?? -1))
        throw new Error(`node ${args.join(' ')} failed (${e.code}): ${e.stderr ?? e.message}`);
      stdout = e.stdout ?? '';
    }
    const ms = performance.now() - t0;
    const rssMiB = Math.round(Number(await readFile(rssFile, 'utf8').catch(() => '0')) / 1024);
    return { ms, rssMiB, stdout };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const BIN = join(REPO, 'bin', 'run.js');
