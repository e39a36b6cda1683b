/**
 * The `-- hazards:` header value: `none`, or hazard messages separated by `;`. Planner
 * messages may themselves contain `;` (e.g. "removes value(s) a of enum e; rows that use
 * them make the migration fail"), so a `;` or `\` inside a message is escaped with `\`, and
 * a line break becomes `\n`, which keeps the header on one line and the list exact.
 */
export function formatHazards(hazards: readonly string[]): string {
  if (hazards.length === 0) return 'none';
  const text = hazards.map(escapeHazard).join('; ');
  // A single hazard whose message is "none" must not read back as no hazards.
  return text === 'none' ? 'none;' : text;
}

const escapeHazard = (hazard: string): string =>
  hazard
    .trim()
    .replace(/[\\;]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, '\\n');

/** The inverse of {@link formatHazards}. */
export function parseHazards(value: string): string[] {
  if (value === 'none' || value === '') return [];
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length) {
      const next = value[++i];
      current += next === 'n' ? '\n' : next;
    } else if (c === ';') {
      out.push(current.trim());
      current = '';
    } else {
      current += c;
    }
  }
  out.push(current.trim());
  return out.filter((h) => h !== '');
}
