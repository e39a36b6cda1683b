/**
 * The candidate closest to `word`, for "did you mean" hints, or undefined when nothing is
 * close enough to be a plausible typo. Case, `_` and `-` are ignored so that `primary_key`
 * finds `primaryKey` and `on_delete` finds `onDelete`.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const target = normalise(word);
  const limit = target.length <= 3 ? 1 : target.length <= 6 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const d = distance(target, normalise(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

const normalise = (s: string): string => s.toLowerCase().replaceAll(/[_\-\s]/g, '');

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions (`tabels`). */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Number.POSITIVE_INFINITY;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i][j] = d;
    }
  }
  return rows[a.length][b.length];
}
