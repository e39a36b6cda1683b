/**
 * `oid` (an SQL expression of the current row), evaluated only once search_path is the
 * row's own (`s.search_path`, see `SCHEMAS`). Wrap the OID argument of every catalog
 * function that prints names (`format_type`, `pg_get_expr`, `pg_get_indexdef`, a
 * `::regclass` cast to text) so that one query prints each schema's SQL under that
 * schema's search_path.
 *
 * Why: Postgres prints a type, sequence, function or collation unqualified only when it is
 * visible in the current search_path, and a search_path holds one tenant at a time (with
 * two tenants on it, the second tenant's `status` type is hidden by the first one's and
 * prints as `tenant_b.status`). `SET LOCAL` per schema would cost one round trip per schema
 * and kind; instead `set_config(..., true)` (the function form of `SET LOCAL`) is called
 * inside the query. Making the printed OID depend on its result is what orders the two:
 * a function's arguments are evaluated before it is called, whatever plan Postgres picks,
 * and the CASE cannot be folded away because set_config is volatile. set_config is also
 * parallel-unsafe, so these queries never run in parallel workers, which could not see
 * the setting. The current_setting test only skips redundant calls (each set_config makes
 * Postgres recompute the path); the queries that print much sort by schema, and Postgres
 * evaluates a volatile target list after the sort, so the path changes about once per
 * schema.
 */
export const printedIn = (oid: string): string =>
  `(CASE WHEN current_setting('search_path') = s.search_path
      OR set_config('search_path', s.search_path, true) IS NOT NULL THEN ${oid} END)`;
