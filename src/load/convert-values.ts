import type { Deferrable, FkAction } from '../model/types.js';
import { literal } from '../plan/quote.js';
import type { Path } from '../yaml/yaml-source.js';
import type { ConvertContext } from './drafts.js';
import type { RawDeferrable, RawLiteralOrSql } from './raw-model.js';

const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * A `default` (or `backfill`) as SQL: a YAML string is a literal of the column's type, a
 * number keeps the digits as written (`1.50`, or an integer too large for a double), a
 * boolean is `true`/`false`, `{ sql }` is the expression itself and null means none.
 */
export function literalOrSql(value: RawLiteralOrSql | undefined, path: Path, ctx: ConvertContext): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'object') return value.sql;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    const written = ctx.source.scalarSource(path);
    return written !== undefined && DECIMAL.test(written) ? written.replace(/^\+/, '') : String(value);
  }
  if (value.includes('\0')) {
    ctx.report(ctx.source.diagnostic(path, 'a literal cannot contain a NUL character', undefined, 'value'));
    return null;
  }
  return literal(value);
}

/** `onDelete`/`onUpdate`: Postgres' default is NO ACTION. */
export const fkAction = (value: string | undefined): FkAction => (value?.toLowerCase() ?? 'no action') as FkAction;

export function deferrable(value: RawDeferrable | undefined): Deferrable {
  if (value === true || value === 'initially immediate') return 'deferrable initially immediate';
  if (value === 'initially deferred') return 'deferrable initially deferred';
  return 'not deferrable';
}
