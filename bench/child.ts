/**
 * Runs one figure in a process of its own, so that its peak RSS is its own:
 *   node --import tsx bench/child.ts <figure> <context.json> <out.json>
 */
import { readFile, writeFile } from 'node:fs/promises';
import { FIGURES } from './figures/index.js';
import type { BenchContext } from './types.js';

const [figure, contextFile, outFile] = process.argv.slice(2);
const work = FIGURES[figure];
if (!work) throw new Error(`unknown figure ${figure}`);
const ctx = JSON.parse(await readFile(contextFile, 'utf8')) as BenchContext;
try {
  const rows = await work(ctx);
  await writeFile(outFile, JSON.stringify({ rows }));
} catch (error) {
  const e = error as Error;
  await writeFile(outFile, JSON.stringify({ rows: [], error: e.stack ?? e.message }));
  process.exitCode = 1;
}
