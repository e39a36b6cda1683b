/** Rows grouped by a key, in the order they came. */
export function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

/** Key of a table: its schema and name, which cannot contain a NUL byte. */
export const tableKey = (schema: string, table: string): string => `${schema}\0${table}`;
