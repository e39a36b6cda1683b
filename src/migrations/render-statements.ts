/**
 * Statements as the body of a section, for a reviewer: each ends with `;`, one-line
 * statements follow each other, and a multi-line statement (a CREATE TABLE) or one with
 * notes stands apart between blank lines. `notes[i]` are comment lines written above
 * statement `i` (hazards, "runs outside a transaction"); they are SQL comments, so the
 * section still runs as it reads.
 *
 * @example
 * renderStatements([{ sql: 'CREATE TABLE t (\n  id int\n)' }, { sql: 'CREATE INDEX i ON t (id)' }]);
 * // 'CREATE TABLE t (\n  id int\n);\n\nCREATE INDEX i ON t (id);'
 */
export function renderStatements(
  statements: readonly { readonly sql: string }[],
  notes: readonly (readonly string[] | undefined)[] = [],
): string {
  const blocks: { text: string; apart: boolean }[] = [];
  statements.forEach((s, i) => {
    const sql = s.sql.trim().replace(/;\s*$/, '');
    if (sql === '') return;
    const comments = (notes[i] ?? []).flatMap((n) => n.split(/\r?\n/)).map((n) => `-- ${n}`.trimEnd());
    // A `;` after a trailing `-- comment` would be part of the comment: put it on its own line.
    const lastLine = sql.slice(sql.lastIndexOf('\n') + 1);
    const text = [...comments, lastLine.includes('--') ? `${sql}\n;` : `${sql};`].join('\n');
    blocks.push({ text, apart: text.includes('\n') });
  });
  let out = '';
  blocks.forEach((b, i) => {
    if (i > 0) out += b.apart || blocks[i - 1].apart ? '\n\n' : '\n';
    out += b.text;
  });
  return out;
}
