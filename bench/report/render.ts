/**
 * Rewrite docs/bench/latest.md from the kept results (bench/results) and the notes
 * (bench/report/notes.md), without running a figure: for a change to the notes.
 *
 *   node --import tsx bench/report/render.ts
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO } from '../cli-process.js';
import { latestMarkdown } from './markdown.js';
import { keptRuns } from './results.js';

const kept = await keptRuns(join(REPO, 'bench', 'results'));
await writeFile(
  join(REPO, 'docs', 'bench', 'latest.md'),
  await latestMarkdown(kept, join(REPO, 'bench', 'report', 'notes.md')),
);
console.log(`wrote docs/bench/latest.md from ${kept.length} kept run(s)`);
