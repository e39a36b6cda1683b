/**
 * Whether SQL text names an identifier, read the way Postgres reads identifiers: a quoted
 * name is exact (`"Price"` is `Price`), a bare name is folded to lower case (`PRICE` and
 * `Price` are both `price`). So a bare word can only ever name a lower-case identifier, and
 * a name with upper case or other characters is only named quoted.
 *
 * A text match, not a parser: a word inside a string literal or a dollar-quoted body counts
 * too (a routine's body names the tables it reads). Callers use the answer to order or
 * rebuild objects, where a false match costs only extra work.
 */

/** The identifiers that can be written without quotes (and then in any case). */
const BARE = /^[a-z_][a-z0-9_$]*$/;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function named(text: string, name: string, afterDot: boolean): boolean {
  if (text.includes(`"${name.replaceAll('"', '""')}"`)) return true;
  if (!BARE.test(name)) return false;
  const before = afterDot ? '[^\\w$"]' : '[^\\w$."]';
  return new RegExp(`(^|${before})${escapeRegExp(name)}($|[^\\w$"])`, 'i').test(text);
}

/** True when SQL text names object `name`, bare, quoted or schema-qualified (`public.films`, `f.title`). */
export const mentions = (text: string, name: string): boolean => named(text, name, true);

/**
 * True when a table's own expression (a CHECK, an index expression, a generation
 * expression) reads `column`. Postgres never qualifies a column there, so a word after a
 * dot is something else: a composite's field (`(address).city`) or a qualified function.
 */
export const readsColumn = (expression: string | null, column: string): boolean =>
  expression !== null && named(expression, column, false);
