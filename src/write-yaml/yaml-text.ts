/**
 * A small YAML emitter for the model files that `pull` writes, in the style of the model
 * format's own examples: block maps for tables, one `{ flow map }` line per column where it
 * fits (values aligned), lists of names as `[a, b]`, SQL that spans lines as `|` blocks.
 * Scalars are written plain only where YAML reads them back as the same string; otherwise
 * double-quoted (JSON escapes are valid YAML).
 */

/** A value whose text is given exactly (a number with its digits as written, true/false). */
export interface VerbatimScalar {
  readonly raw: string;
}

export type YamlValue = string | VerbatimScalar | readonly YamlValue[] | YamlMap;

/** A map keeps its keys in insertion order; `align` lines up the values of one-line entries. */
export interface YamlMap {
  readonly entries: readonly (readonly [string, YamlValue])[];
  readonly align?: boolean;
  /** Never write this map as one `{ }` line (e.g. a table). */
  readonly block?: boolean;
  /** A blank line between entries (top-level sections, tables). */
  readonly spaced?: boolean;
}

export const raw = (text: string): VerbatimScalar => ({ raw: text });

export const yamlMap = (
  entries: readonly (readonly [string, YamlValue | undefined])[],
  options: Omit<YamlMap, 'entries'> = {},
): YamlMap => ({
  entries: entries.filter((e): e is readonly [string, YamlValue] => e[1] !== undefined),
  ...options,
});

const isMap = (v: YamlValue): v is YamlMap => typeof v === 'object' && !Array.isArray(v) && 'entries' in v;
const isRaw = (v: YamlValue): v is VerbatimScalar => typeof v === 'object' && 'raw' in v;

const LINE = 120;
const INDENT = '  ';

// Words that YAML (1.2 core, or 1.1 in older tools) reads as something other than a string.
const SPECIAL = /^(true|false|null|yes|no|on|off|y|n|~)$/i;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters cannot be written plain.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

/** True when `s` reads back as the same string written without quotes. */
export function plainSafe(s: string, flow: boolean): boolean {
  if (s === '' || s.trim() !== s || CONTROL.test(s) || SPECIAL.test(s)) return false;
  // Anything that may read as a number, a date or a special float.
  if (/^[-+.]?\d/.test(s) || /^[-+]?\.(inf|nan)$/i.test(s)) return false;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(s)) return false;
  if (/: |:$| #/.test(s)) return false;
  if (flow && /[,[\]{}]/.test(s)) return false;
  return true;
}

/** `s` as a YAML double-quoted scalar. */
export function quoted(s: string): string {
  return JSON.stringify(s).replace(
    /[\u007f-\u009f\u2028\u2029\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Plain when that reads back the same; else single-quoted when nothing needs escaping; else double-quoted. */
export const scalarText = (s: string, flow: boolean): string =>
  plainSafe(s, flow) ? s : !s.includes("'") && !CONTROL.test(s) && s.trim() === s ? `'${s}'` : quoted(s);

/** A string that is best written as a `|` block: several lines, nothing a block cannot hold. */
const asBlock = (s: string): boolean =>
  s.includes('\n') && !/\r/.test(s) && !/\n\n$/.test(s) && !CONTROL.test(s.replaceAll('\n', '').replaceAll('\t', ''));

/** One line of flow YAML for `v`, or null when it cannot be one (multi-line text). */
function flowText(v: YamlValue): string | null {
  if (typeof v === 'string')
    return v.includes('\n') || v.includes('\r') ? (asBlock(v) ? null : quoted(v)) : scalarText(v, true);
  if (isRaw(v)) return v.raw;
  if (isMap(v)) {
    const parts: string[] = [];
    for (const [k, x] of v.entries) {
      const t = flowText(x);
      if (t === null) return null;
      parts.push(`${scalarText(k, true)}: ${t}`);
    }
    return parts.length === 0 ? '{}' : `{ ${parts.join(', ')} }`;
  }
  const items: string[] = [];
  for (const x of v as readonly YamlValue[]) {
    const t = flowText(x);
    if (t === null) return null;
    items.push(t);
  }
  return `[${items.join(', ')}]`;
}

function blockScalar(s: string, indent: string): string {
  const chomp = s.endsWith('\n') ? '' : '-';
  const body = (s.endsWith('\n') ? s.slice(0, -1) : s).split('\n');
  // A first line that starts with a space needs the indentation said explicitly.
  const indicator = /^ /.test(body[0] ?? '') ? String(INDENT.length) : '';
  return `|${indicator}${chomp}\n${body.map((l) => (l === '' ? '' : `${indent}${l}`)).join('\n')}`;
}

/** The lines of a block map at `indent`. */
function mapLines(m: YamlMap, indent: string): string[] {
  const lines: string[] = [];
  const oneLine = m.entries.map(([k, v]) => {
    if (isMap(v) && v.block) return null;
    // A scalar value of a block map is in block context, where `,` and `[` need no quotes.
    const t = typeof v === 'string' && !v.includes('\n') && !v.includes('\r') ? scalarText(v, false) : flowText(v);
    return t !== null && indent.length + scalarText(k, false).length + 2 + t.length <= LINE ? t : null;
  });
  const width = m.align
    ? Math.max(0, ...m.entries.map(([k], i) => (oneLine[i] !== null ? scalarText(k, false).length : 0)))
    : 0;
  m.entries.forEach(([k, v], i) => {
    if (m.spaced && i > 0) lines.push('');
    const key = `${scalarText(k, false)}:`;
    const one = oneLine[i];
    if (one !== null) {
      lines.push(`${indent}${key.padEnd(width + 1)} ${one}`);
    } else if (typeof v === 'string') {
      lines.push(`${indent}${key} ${asBlock(v) ? blockScalar(v, indent + INDENT) : scalarText(v, false)}`);
    } else if (isMap(v)) {
      lines.push(`${indent}${key}`, ...mapLines(v, indent + INDENT));
    } else {
      lines.push(`${indent}${key}`, ...listLines(v as readonly YamlValue[], indent + INDENT));
    }
  });
  return lines;
}

function listLines(items: readonly YamlValue[], indent: string): string[] {
  return items.flatMap((item) => {
    const t = flowText(item);
    if (t !== null && indent.length + 2 + t.length <= LINE) return [`${indent}- ${t}`];
    if (isMap(item)) {
      const inner = mapLines(item, `${indent}  `);
      return inner.length === 0 ? [`${indent}- {}`] : [`${indent}- ${inner[0].trimStart()}`, ...inner.slice(1)];
    }
    if (typeof item === 'string') return [`${indent}- ${blockScalar(item, `${indent}  `)}`];
    return [`${indent}-`, ...listLines(item as readonly YamlValue[], `${indent}  `)];
  });
}

/** A whole document: `header` comment lines, then the top-level map. */
export function yamlDocument(top: YamlMap, header: readonly string[] = []): string {
  return `${[...header.map((h) => `# ${h}`), ...mapLines(top, '')].join('\n')}\n`;
}
