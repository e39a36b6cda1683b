import type { Diagnostic } from '../errors.js';
import { PgfleetError } from '../errors.js';
import type { Scope } from '../model/types.js';
import { checksum } from './checksum.js';
import { parseHazards } from './hazard-list.js';
import { isScope, MIGRATION_ID, migrationId, VERSION } from './migration-id.js';
import { parseSteps, STEP_MARKER } from './parse-steps.js';
import type { Migration } from './types.js';

/** What a migration file must look like, for the hint of every format error. */
export const FORMAT_HINT =
  'a migration starts with `-- pgfleet NNNN_name`, `-- scope:`, `-- transaction:` and `-- hazards:` lines, then ' +
  '`-- +up` and `-- +down` sections; fix the file, then run `pgfleet hash`';

/** A line that opens a section: `-- +up` or `-- +down`. */
export const SECTION_MARKER = /^--\s*\+(up|down)\s*$/;

const FIRST_LINE = /^--\s*pgfleet\s+(\S+)\s*$/;
const HEADER_LINE = /^--\s*([A-Za-z][A-Za-z0-9_-]*)\s*:\s*(.*?)\s*$/;
const KEYS = ['scope', 'requires', 'transaction', 'hazards', 'replaces', 'manual', 'postgres', 'online'] as const;
type Key = (typeof KEYS)[number];
const isKey = (k: string): k is Key => (KEYS as readonly string[]).includes(k);

/**
 * Reads a migration file. `path` is the file relative to the migrations directory (kept in
 * the result); `file` is how errors name it (defaults to `path`). Refuses, with the line of
 * each problem, a file without `-- pgfleet <id>` first, with an unknown or repeated header
 * key, a missing required key (`scope`, `transaction`, `hazards`), SQL before `-- +up`, or
 * a missing `-- +up` or `-- +down`. Comment lines inside the sections are kept as SQL.
 * A section is a list of steps: `-- +step transaction: true|false` lines start them; a
 * section without such lines is one step in the mode of the `-- transaction:` header, which
 * a file with step lines may leave out. `-- hazard <kind>: ...` comments above a statement
 * are its hazards.
 *
 * @example
 * const m = parseMigration(await readFile(p, 'utf8'), 'tenant/0002_add_capacity.sql');
 * m.id; // '0002_add_capacity'
 */
export function parseMigration(text: string, path: string, file: string = path): Migration {
  const lines = text.split(/\r?\n/);
  const problems: { line: number; message: string }[] = [];
  const problem = (line: number, message: string) => problems.push({ line, message });

  let id: { value: string; line: number } | null = null;
  const header = new Map<Key, { value: string; line: number }>();
  const sections: Record<'up' | 'down', { start: number; lines: string[] } | null> = { up: null, down: null };
  let current: 'up' | 'down' | null = null;
  let seenFirstLine = false;

  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    const n = i + 1;
    const marker = SECTION_MARKER.exec(line);
    if (marker) {
      const which = marker[1] as 'up' | 'down';
      if (sections[which]) problem(n, `a second \`-- +${which}\` line (the first is on line ${sections[which].start})`);
      else if (which === 'down' && !sections.up) problem(n, '`-- +down` comes before `-- +up`');
      else sections[which] = { start: n, lines: [] };
      current = which;
      continue;
    }
    if (current) {
      sections[current]?.lines.push(raw);
      continue;
    }
    if (line === '') continue;
    if (!seenFirstLine) {
      seenFirstLine = true;
      const first = FIRST_LINE.exec(line);
      if (first) id = { value: first[1], line: n };
      else problem(n, 'expected `-- pgfleet NNNN_name` as the first line');
      continue;
    }
    const kv = HEADER_LINE.exec(line);
    if (!kv) {
      problem(n, line.startsWith('--') ? 'expected a header line `-- key: value`' : 'SQL before the `-- +up` line');
      continue;
    }
    const key = kv[1].toLowerCase();
    if (!isKey(key)) problem(n, `unknown header key "${kv[1]}" (known: ${KEYS.join(', ')})`);
    else if (header.has(key))
      problem(n, `a second \`-- ${key}:\` line (the first is on line ${header.get(key)?.line})`);
    else header.set(key, { value: kv[2], line: n });
  }

  // The last line of text: a final line break does not start another line.
  const last = Math.max(1, lines[lines.length - 1] === '' ? lines.length - 1 : lines.length);
  if (!id && !seenFirstLine) problem(1, 'missing the `-- pgfleet NNNN_name` line');
  if (!sections.up) problem(last, 'missing the `-- +up` line that starts the up section');
  if (!sections.down) problem(last, 'missing the `-- +down` line that starts the down section');

  const idLine = id;
  let version = '';
  let name = '';
  if (idLine) {
    const m = MIGRATION_ID.exec(idLine.value);
    if (m) [, version, name] = m;
    else problem(idLine.line, `"${idLine.value}" is not a migration id NNNN_name (name: a-z, 0-9, _)`);
    const base = path.split(/[\\/]/).pop() ?? '';
    if (m && base.endsWith('.sql') && base !== `${idLine.value}.sql`) {
      problem(idLine.line, `the header names ${idLine.value} but the file is ${base}; make them agree`);
    }
  }

  const required = (key: Key): { value: string; line: number } | null => {
    const entry = header.get(key);
    if (!entry && idLine) problem(idLine.line, `missing the \`-- ${key}:\` header line`);
    return entry ?? null;
  };

  let scope: Scope = 'shared';
  const scopeEntry = required('scope');
  if (scopeEntry) {
    if (isScope(scopeEntry.value)) scope = scopeEntry.value;
    else problem(scopeEntry.line, `scope "${scopeEntry.value}" is neither shared nor tenant`);
  }

  let requires: Migration['requires'] = null;
  const requiresEntry = header.get('requires');
  if (requiresEntry) {
    const [s, v, ...rest] = requiresEntry.value.split(/\s+/);
    if (s && isScope(s) && v && VERSION.test(v) && rest.length === 0) requires = { scope: s, version: v };
    else problem(requiresEntry.line, `expected \`-- requires: shared|tenant NNNN\`, got "${requiresEntry.value}"`);
  }

  const flag = (
    key: 'transaction' | 'manual' | 'online',
    entry: { value: string; line: number } | null,
    absent: boolean,
  ) => {
    if (!entry) return absent;
    if (entry.value === 'true' || entry.value === 'false') return entry.value === 'true';
    problem(entry.line, `\`-- ${key}:\` is true or false, not "${entry.value}"`);
    return absent;
  };
  const stepped = (['up', 'down'] as const).some((w) => sections[w]?.lines.some((l) => STEP_MARKER.test(l.trim())));
  // Files written before steps always say `-- transaction:`; one with step lines may not.
  const headerTransactional = flag(
    'transaction',
    stepped ? (header.get('transaction') ?? null) : required('transaction'),
    true,
  );
  const manual = flag('manual', header.get('manual') ?? null, false);
  const online = flag('online', header.get('online') ?? null, true);
  const stepsOf = (which: 'up' | 'down') => {
    const section = sections[which];
    return section ? parseSteps(section.lines, section.start + 1, headerTransactional, problem) : [];
  };
  const steps = { up: stepsOf('up'), down: stepsOf('down') };
  const single = (list: readonly { transactional: boolean }[]) =>
    list.length <= 1 && list.every((x) => x.transactional);
  const transactional = stepped ? single(steps.up) && single(steps.down) : headerTransactional;
  for (const step of steps.down) {
    if (step.undoes !== undefined && step.undoes > Math.max(1, steps.up.length)) {
      problem(
        sections.down?.start ?? 1,
        `a down step undoes up step ${step.undoes}, but the up section has ${steps.up.length}`,
      );
    }
  }

  const hazardsEntry = required('hazards');
  const hazards = hazardsEntry ? parseHazards(hazardsEntry.value) : [];

  const replacesEntry = header.get('replaces');
  const replaces = replacesEntry
    ? replacesEntry.value
        .split(',')
        .map((r) => r.trim())
        .filter((r) => r !== '')
    : [];
  for (const r of replaces) {
    if (!MIGRATION_ID.test(r)) problem(replacesEntry?.line ?? 1, `replaced migration "${r}" is not an id NNNN_name`);
  }

  const postgresEntry = header.get('postgres');
  const postgres = postgresEntry && /^[1-9]\d*$/.test(postgresEntry.value) ? Number(postgresEntry.value) : undefined;
  if (postgresEntry && postgres === undefined) {
    problem(postgresEntry.line, `expected \`-- postgres: <major>\` (e.g. 17), got "${postgresEntry.value}"`);
  }

  if (problems.length > 0) throw invalid(file, problems);

  const body = (which: 'up' | 'down') => sections[which]?.lines.join('\n').trim() ?? '';
  return {
    scope,
    version,
    name,
    id: migrationId(version, name),
    requires,
    transactional,
    steps,
    online,
    hazards,
    replaces,
    manual,
    ...(postgres !== undefined ? { postgres } : {}),
    up: body('up'),
    down: body('down'),
    checksum: checksum(text),
    path,
  };
}

function invalid(file: string, problems: readonly { line: number; message: string }[]): PgfleetError {
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  const diagnostics: Diagnostic[] = sorted.map((p) => ({
    file,
    line: p.line,
    col: 1,
    pointer: '',
    message: p.message,
  }));
  const lines = sorted.map((p) => `${file}:${p.line}: ${p.message}`);
  return new PgfleetError('input', `${file} is not a valid pgfleet migration:\n${lines.join('\n')}`, {
    hint: FORMAT_HINT,
    diagnostics,
  });
}
