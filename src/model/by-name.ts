/**
 * Sort by name, unnamed (null) last in the order written, so the model is deterministic.
 * The one order for named lists: loading a model, comparing two, and writing code from one.
 */
export function byName<T extends { readonly name: string | null }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => {
    if (a.name === null || b.name === null) return a.name === null ? (b.name === null ? 0 : 1) : -1;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}
