import { isHazardKind } from '../model/hazards.js';
import { splitStatements } from './split-statements.js';
import type { MigrationStatement, MigrationStep, StatementHazard } from './types.js';

/** A line that starts a step: `-- +step transaction: false` (and, in a down section, `undoes: 3`). */
export const STEP_MARKER = /^--\s*\+step\b(.*)$/;
/** A hazard comment above a statement: `-- hazard blocks_writes: SET NOT NULL on t.c scans t`. */
const HAZARD_LINE = /^--\s*hazard\s+([A-Za-z_]+)\s*:\s*(.*)$/;

export interface StepMarker {
  readonly transactional: boolean | null;
  readonly undoes: number | null;
}

/** The text of a step marker for the file, e.g. `-- +step transaction: false undoes: 2`. */
export const stepMarker = (transactional: boolean, undoes?: number): string =>
  `-- +step transaction: ${transactional}${undoes !== undefined ? ` undoes: ${undoes}` : ''}`;

/** Reads the attributes of a step marker line, or says what is wrong with them. */
export function parseStepMarker(rest: string): StepMarker | string {
  let transactional: boolean | null = null;
  let undoes: number | null = null;
  const attributes = rest.trim().replace(/,/g, ' ');
  const pair = /([A-Za-z_]+)\s*:\s*(\S+)/gy;
  let at = 0;
  const text = attributes;
  while (at < text.length) {
    while (text[at] === ' ') at++;
    if (at >= text.length) break;
    pair.lastIndex = at;
    const m = pair.exec(text);
    if (!m)
      return `cannot read "${text.slice(at)}" in a step marker (expected \`transaction: true|false\`, \`undoes: N\`)`;
    at = pair.lastIndex;
    const [, key, value] = m;
    if (key === 'transaction') {
      if (value !== 'true' && value !== 'false') return `\`transaction:\` of a step is true or false, not "${value}"`;
      transactional = value === 'true';
    } else if (key === 'undoes') {
      if (!/^[1-9]\d*$/.test(value)) return `\`undoes:\` of a step is an up step number (1, 2, ...), not "${value}"`;
      undoes = Number(value);
    } else {
      return `unknown step attribute "${key}" (known: transaction, undoes)`;
    }
  }
  return { transactional, undoes };
}

/** The hazards written as comments at the head of a statement. */
function statementHazards(sql: string, line: number, problem: (line: number, message: string) => void) {
  const hazards: StatementHazard[] = [];
  for (const raw of sql.split(/\r?\n/)) {
    const l = raw.trim();
    if (!l.startsWith('--')) break;
    const m = HAZARD_LINE.exec(l);
    if (!m) continue;
    if (isHazardKind(m[1])) hazards.push({ kind: m[1], message: m[2] });
    else problem(line, `unknown hazard kind "${m[1]}" in \`-- hazard ${m[1]}:\``);
  }
  return hazards;
}

/**
 * The steps of one section. `lines` are the section's lines, the first being line `start`
 * of the file; `headerTransactional` is the mode of SQL before any step marker (the whole
 * section when it has none). An empty section has no steps.
 */
export function parseSteps(
  lines: readonly string[],
  start: number,
  headerTransactional: boolean,
  problem: (line: number, message: string) => void,
): MigrationStep[] {
  const chunks: { marker: StepMarker | null; line: number; lines: string[] }[] = [
    { marker: null, line: start, lines: [] },
  ];
  for (const [i, raw] of lines.entries()) {
    const m = STEP_MARKER.exec(raw.trim());
    if (!m) {
      chunks[chunks.length - 1].lines.push(raw);
      continue;
    }
    const marker = parseStepMarker(m[1]);
    if (typeof marker === 'string') problem(start + i, marker);
    chunks.push({ marker: typeof marker === 'string' ? null : marker, line: start + i, lines: [] });
  }
  const steps: MigrationStep[] = [];
  for (const [i, chunk] of chunks.entries()) {
    const sql = chunk.lines.join('\n').trim();
    let statements: string[] = [];
    try {
      statements = splitStatements(sql);
    } catch (error) {
      problem(chunk.line, (error as Error).message);
    }
    // Text before the first marker that holds no statement (a comment, nothing) is no step.
    if (i === 0 && chunks.length > 1 && statements.length === 0) continue;
    if (i === 0 && chunks.length === 1 && statements.length === 0 && sql === '') continue;
    const parsed: MigrationStatement[] = statements.map((s) => ({
      sql: s,
      hazards: statementHazards(s, chunk.line, problem),
    }));
    steps.push({
      transactional: chunk.marker?.transactional ?? headerTransactional,
      ...(chunk.marker?.undoes != null ? { undoes: chunk.marker.undoes } : {}),
      sql,
      statements: parsed,
    });
  }
  return steps;
}
