import { PgfleetError } from '../errors.js';
import { ident, literal } from '../plan/quote.js';
import { LEDGER_SCHEMA } from './targets.js';

/** Postgres' SQLSTATE for a missing privilege (`permission denied for ...`, `must be owner of ...`). */
export const INSUFFICIENT_PRIVILEGE = '42501';

const roleOf = (url: string): string => {
  try {
    return decodeURIComponent(new URL(url).username) || 'CURRENT_USER';
  } catch {
    return 'CURRENT_USER';
  }
};

/**
 * The GRANT (or ALTER ... OWNER) that gives `role` what Postgres' message says it lacks.
 * pgfleet needs: CREATE on the database (once, for its own `pgfleet` schema, and for
 * `tenant create`), ownership of the shared and tenant schemas and of their objects, and
 * ownership of the `pgfleet` schema it created.
 */
export function grantFor(message: string, role: string): string {
  const r = role === 'CURRENT_USER' ? role : ident(role);
  const database = /permission denied for database (.+)$/.exec(message);
  if (database) return `GRANT CREATE ON DATABASE ${ident(database[1])} TO ${r}`;
  const schema = /permission denied for schema (.+)$/.exec(message);
  if (schema) return `ALTER SCHEMA ${ident(schema[1])} OWNER TO ${r}`;
  const owner = /must be owner of (table|view|materialized view|sequence|index|type|function|schema) (.+)$/.exec(
    message,
  );
  if (owner) {
    const kind = owner[1] === 'index' ? 'INDEX' : owner[1].toUpperCase();
    return `ALTER ${kind === 'INDEX' ? 'TABLE' : kind} ${owner[2]} OWNER TO ${r} (in the schema that failed)`;
  }
  const table = /permission denied for (?:table|relation) (.+)$/.exec(message);
  if (table && table[1] === 'history') return `ALTER TABLE ${LEDGER_SCHEMA}.history OWNER TO ${r}`;
  if (table) return `ALTER TABLE ${ident(table[1])} OWNER TO ${r} (in the schema that failed)`;
  return `grant ${r} what the message names, or run pgfleet as the role that owns the schemas`;
}

/** Postgres' message with the grant that fixes it, for a schema's result line. */
export const withGrantHint = (message: string, url: string): string =>
  `${message} (the role pgfleet connects as lacks this privilege: ${grantFor(message, roleOf(url))})`;

/**
 * A missing privilege outside any one schema's work (the ledger, the run lock, creating a
 * tenant) stops the command: exit 3, like a connection the server refused, with the
 * privilege named and the GRANT that gives it. Other errors: null.
 */
export function privilegeError(error: unknown, url: string, doing: string): PgfleetError | null {
  const e = error as { code?: string; message?: string };
  if (e?.code !== INSUFFICIENT_PRIVILEGE) return null;
  const role = roleOf(url);
  return new PgfleetError('connection', `${doing}: ${e.message} (role ${role})`, {
    hint: `${grantFor(e.message ?? '', role)}; pgfleet needs CREATE on the database (for its own \`${LEDGER_SCHEMA}\` schema and for \`tenant create\`) and to own the shared and tenant schemas, not to be a superuser`,
    cause: error,
  });
}

/**
 * SQL that fails with Postgres' own "permission denied for schema" when the role may not
 * use and create in `schema`. Without it, a tenant schema the role cannot use would be left
 * out of the search path silently (Postgres skips such schemas), and the tenant's tables
 * would be created in the shared schema that follows it.
 */
export const schemaUsableSql = (schema: string): string =>
  `DO $pgfleet$BEGIN ${schemaUsableCheck(literal(schema))} END$pgfleet$`;

/** The same check as a plpgsql statement, `schema` an SQL expression (a literal or a parameter). */
export const schemaUsableCheck = (schema: string): string =>
  `IF NOT pg_catalog.has_schema_privilege(${schema}, 'USAGE, CREATE') THEN ` +
  `RAISE EXCEPTION 'permission denied for schema %', ${schema} USING ERRCODE = '${INSUFFICIENT_PRIVILEGE}'; END IF;`;
