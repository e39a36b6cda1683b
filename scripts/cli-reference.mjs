#!/usr/bin/env node
// Writes docs/reference.md from the CLI's own commands (their summaries, descriptions,
// arguments, flags and examples as oclif loads them from dist/), so the reference cannot
// disagree with --help. `--check` writes nothing and exits 1 when the file is stale
// (test/cli/reference.test.ts runs it).
//   npm run docs:reference            npm run docs:reference -- --check
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Config } from '@oclif/core';

const root = join(import.meta.dirname, '..');
const out = join(root, 'docs', 'reference.md');
const config = await Config.load({ root });
const bin = config.bin;
const cell = (s) => String(s ?? '').replace(/\|/g, '\\|').replace(/\n+/g, ' ');
const expand = (s) => String(s).replaceAll('<%= config.bin %>', bin);

const EXIT_CODES = `| code | meaning | what a deploy should do |
|---|---|---|
| 0 | done, or nothing to do | go on |
| 1 | a finding: drift, a missing migration under \`--check\`, a tenant that failed, a preflight or rollout that stopped | stop the deploy and read the report: the database is in a recorded state (every schema at a recorded migration) |
| 2 | bad input: model, config, flags, an edited applied migration, a hazard not allowed; nothing was changed | fix the input; rerunning as is gives the same answer |
| 3 | could not connect, or could not take a lock (another pgfleet run holds it) | retry later: every schema is at a recorded migration, a rerun resumes |
| 4 | a bug in pgfleet (an internal error); nothing half-done is left, as for 1 | report it with the output of \`--json\` |`;

const lines = [
  '# Command reference',
  '',
  `Generated from the CLI's own help by \`npm run docs:reference\`; \`test/cli/reference.test.ts\` fails when it is stale. Every command takes \`--config\` (default \`pgfleet.yaml\`), \`--database-url\` and \`--json\` (the command's result as JSON on stdout, nothing else there).`,
  '',
  '## Exit codes',
  '',
  EXIT_CODES,
  '',
];
const commands = [...config.commands].filter((c) => !c.hidden).sort((a, b) => a.id.localeCompare(b.id));
lines.push('## Commands', '', ...commands.map((c) => `- [\`${bin} ${c.id.replaceAll(':', ' ')}\`](#${c.id.replaceAll(':', '-')})`), '');
for (const c of commands) {
  const name = c.id.replaceAll(':', ' ');
  lines.push(`<a id="${c.id.replaceAll(':', '-')}"></a>`, `### \`${bin} ${name}\``, '');
  if (c.summary) lines.push(c.summary, '');
  if (c.description) lines.push(c.description, '');
  const args = Object.values(c.args ?? {});
  if (args.length > 0) {
    lines.push('| argument | required | description |', '|---|---|---|');
    for (const a of args) lines.push(`| \`${a.name}\` | ${a.required ? 'yes' : 'no'} | ${cell(a.description)} |`);
    lines.push('');
  }
  const flags = Object.values(c.flags ?? {}).filter((f) => f.helpGroup !== 'GLOBAL' && !f.hidden);
  if (flags.length > 0) {
    lines.push('| flag | description | default |', '|---|---|---|');
    for (const f of flags.sort((a, b) => a.name.localeCompare(b.name))) {
      const value = f.type === 'option' ? (f.options ? ` ${f.options.join('\\|')}` : ' VALUE') : '';
      const dflt = f.default === undefined || typeof f.default === 'function' ? '' : `\`${f.default}\``;
      lines.push(`| \`--${f.name}${value}\`${f.char ? ` (\`-${f.char}\`)` : ''} | ${cell(f.description)} | ${dflt} |`);
    }
    lines.push('');
  }
  const examples = (c.examples ?? []).map((e) => (typeof e === 'string' ? e : e.command));
  if (examples.length > 0) lines.push('```sh', ...examples.map(expand), '```', '');
}
const text = `${lines.join('\n').trimEnd()}\n`;
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(out, 'utf8');
  } catch {}
  if (current !== text) {
    console.error('docs/reference.md is stale: run `npm run docs:reference`');
    process.exit(1);
  }
  console.log('docs/reference.md is current');
} else {
  writeFileSync(out, text);
  console.log(`docs/reference.md: ${commands.length} commands`);
}
