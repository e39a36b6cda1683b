import type { Migration } from '../../migrations/index.js';
import { splitStatements } from '../../migrations/split-statements.js';
import { Cursor, identsIn, type SqlName, splitTopLevel, tokenize } from './sql-tokens.js';

/**
 * One thing a pending migration does whose success depends on the rows already there,
 * with what it takes to count the rows that would make it fail. SQL fragments are cut
 * from the migration text as written (already valid SQL, quoted as the file quotes them).
 */
export type Check = CheckBase &
  (
    | {
        readonly kind: 'unique';
        readonly keys: readonly string[];
        readonly where: string | null;
        readonly nullsDistinct: boolean;
      }
    | { readonly kind: 'not_null'; readonly column: string }
    | { readonly kind: 'check'; readonly expression: string }
    | {
        readonly kind: 'foreign_key';
        readonly columns: readonly string[];
        readonly refTable: string;
        readonly refColumns: readonly string[];
        readonly matchFull: boolean;
      }
    | {
        readonly kind: 'cast';
        readonly value: string;
        readonly type: string;
        /** Before Postgres 16: the type's input tested by a predicate (cast-validity.ts), not pg_input_is_valid. */
        readonly byPredicate?: boolean;
      }
    | { readonly kind: 'enum'; readonly column: string; readonly values: readonly string[]; readonly array: boolean }
    /** A column added NOT NULL without a default: any row fails it. */
    | { readonly kind: 'rows' }
  );

interface CheckBase {
  /** The migration whose statement would fail. */
  readonly migration: string;
  /** The table, as the SQL that runs the check names it (the name before a rename in the same run). */
  readonly table: SqlName;
  /** The constraint's name, or what stands for one (`NOT NULL on t.c`, `t.c TYPE varchar(3)`). */
  readonly constraint: string;
}

/** A statement preflight did not check, with why. */
export interface Unchecked {
  readonly migration: string;
  readonly statement: string;
  readonly reason: string;
}

export interface CheckPlan {
  readonly checks: readonly Check[];
  readonly unchecked: readonly Unchecked[];
}

/** A check before it is tied to its migration (Omit over each member of the union). */
type Pending = Check extends infer C ? (C extends Check ? Omit<C, 'migration'> : never) : never;
type Verdict = Pending | { unchecked: string } | null;

const short = (sql: string) => {
  const one = sql.replace(/\s+/g, ' ').trim();
  return one.length > 160 ? `${one.slice(0, 157)}...` : one;
};

/** `c IS NOT NULL` (the CHECK through which online forms set NOT NULL): the column, or null. */
function notNullColumn(expression: string): string | null {
  const t = tokenize(expression).filter((x) => !(x.kind === 'punct' && (x.value === '(' || x.value === ')')));
  if (t.length !== 4) return null;
  const [c, is, not, nul] = t;
  if (c.kind !== 'word' && c.kind !== 'quoted') return null;
  if (is.value !== 'is' || not.value !== 'not' || nul.value !== 'null') return null;
  return expression.slice(c.start, c.end);
}

/** The column (or parenthesised expression) of one index element, without COLLATE, opclass or order. */
function indexKey(element: string): string {
  const c = new Cursor(element);
  const inner = c.parens();
  if (inner !== undefined) return `(${inner})`;
  const name = c.name();
  // A function call needs no parentheses of its own in an index element: `lower(name)`.
  const args = c.parens();
  if (name && args !== undefined) return `(${name.sql}(${args}))`;
  return name?.sql ?? element;
}

const nameOf = (sql: string) => new Cursor(sql).ident()?.name ?? sql;

/** A literal's value: `'it''s'` → `it's`. */
const unquote = (literal: string) => literal.slice(1, -1).replaceAll("''", "'");

const DATA_CHANGES = ['update', 'delete', 'insert', 'truncate', 'merge', 'copy'];
const SAFE_STARTS = [
  'drop',
  'comment',
  'grant',
  'revoke',
  'alter index',
  'alter sequence',
  'alter view',
  'alter materialized view',
  'alter function',
  'alter procedure',
  'alter aggregate',
  'alter policy',
  'alter trigger',
  'alter extension',
  'alter schema',
  'alter type',
  'refresh materialized view',
  'set',
  'reset',
  'analyze',
  'vacuum',
  'reindex',
  'lock',
  'notify',
  'cluster',
  'security label',
];

/**
 * The data-dependent statements of `migrations` (a schema's pending ones, in order), as
 * checks, and the statements preflight cannot judge. Recognises the forms pgfleet's planner
 * writes (`ADD CONSTRAINT ... UNIQUE | PRIMARY KEY | CHECK | FOREIGN KEY`, `SET NOT NULL`
 * with or without a backfill, `ALTER COLUMN ... TYPE ... USING`, an enum rebuilt without a
 * value), the online forms (`NOT VALID` + `VALIDATE CONSTRAINT`, NOT NULL through a CHECK,
 * `CREATE UNIQUE INDEX CONCURRENTLY` + `ADD CONSTRAINT ... USING INDEX`) and their
 * hand-written equivalents. A statement that changes rows (UPDATE, DELETE, ...) makes
 * later checks on its table unknowable, so they are reported unchecked rather than guessed.
 */
export function checksOf(
  migrations: readonly Migration[],
  /** Tables the shared schema's pending migrations create (a tenant's foreign key may reference one). */
  createdShared: ReadonlySet<string> = new Set(),
): CheckPlan {
  const checks: Check[] = [];
  const unchecked: Unchecked[] = [];
  const created = new Set<string>();
  const renamedFrom = new Map<string, SqlName>();
  const renamedColumns = new Map<string, Set<string>>();
  const added = new Map<string, Map<string, { hasDefault: boolean }>>();
  const notValid = new Map<string, Pending>();
  const uniqueIndexes = new Map<string, { table: SqlName; keys: string[] }>();
  const backfilled = new Set<string>();
  const notNullDone = new Set<string>();
  const changed = new Set<string>();
  const enums = new Map<string, string[]>();
  const createdTypes = new Set<string>();

  const tkey = (t: SqlName) => t.name;
  const ckey = (t: SqlName, column: string) => `${t.name}\u0000${nameOf(column)}`;

  /** The verdict on a check against `table` that reads `columns`, given what ran before it. */
  const judge = (table: SqlName, columns: readonly string[], check: Pending): Verdict => {
    const k = tkey(table);
    if (created.has(k)) return null; // created by these migrations: no rows yet
    if (changed.has(k)) return { unchecked: `an earlier statement changes the rows of ${table.sql}` };
    const renamed = renamedColumns.get(k);
    const used = new Set(columns.flatMap((c) => [...identsIn(c)]));
    if (renamed && [...used].some((c) => renamed.has(c)))
      return { unchecked: `it uses a column renamed by these migrations` };
    const fresh = added.get(k);
    if (fresh && [...used].some((c) => fresh.has(c)))
      return { unchecked: `it uses a column added by these migrations (its rows hold the column's default)` };
    return { ...check, table: renamedFrom.get(k) ?? table } as Pending;
  };

  for (const m of migrations) {
    let statements: string[];
    try {
      statements = splitStatements(m.up);
    } catch {
      unchecked.push({ migration: m.id, statement: short(m.up), reason: 'its SQL could not be split into statements' });
      continue;
    }
    const push = (statement: string, verdicts: Verdict | Verdict[]) => {
      for (const v of Array.isArray(verdicts) ? verdicts : [verdicts]) {
        if (v === null) continue;
        if ('unchecked' in v) unchecked.push({ migration: m.id, statement: short(statement), reason: v.unchecked });
        else checks.push({ ...v, migration: m.id } as Check);
      }
    };
    for (const statement of statements) {
      const c = new Cursor(statement);
      if (c.words('alter', 'table')) {
        c.words('if', 'exists');
        c.words('only');
        const table = c.name();
        if (!table) {
          push(statement, { unchecked: 'not a statement form preflight knows' });
          continue;
        }
        for (const action of splitTopLevel(c.until())) {
          push(statement, alterTableAction(table, new Cursor(action)));
        }
        continue;
      }
      if (c.words('create', 'unique', 'index')) {
        push(statement, uniqueIndex(c));
        continue;
      }
      if (c.words('create', 'type')) {
        const name = c.name();
        if (name) createdTypes.add(name.name);
        if (name && c.words('as', 'enum')) {
          const body = c.parens() ?? '';
          enums.set(
            name.name,
            tokenize(body)
              .filter((t) => t.kind === 'string')
              .map((t) => unquote(t.value)),
          );
        }
        continue;
      }
      if (c.words('create', 'domain')) {
        const name = c.name();
        if (name) createdTypes.add(name.name);
        continue;
      }
      if (c.words('create', 'table') || c.words('create', 'unlogged', 'table')) {
        c.words('if', 'not', 'exists');
        const name = c.name();
        if (name) created.add(tkey(name));
        continue;
      }
      if (c.word() === 'create') continue; // indexes, views, functions, triggers, policies, sequences, ...
      if (c.words('update')) {
        c.words('only');
        const table = c.name();
        const backfill = table ? backfillColumn(c) : null;
        if (table && backfill) {
          backfilled.add(ckey(table, backfill));
          continue;
        }
        if (table) changed.add(tkey(table));
        push(statement, {
          unchecked: `it changes rows${table ? ` of ${table.sql}` : ''}; checks after it on that table are skipped`,
        });
        continue;
      }
      const first = c.word();
      if (first && DATA_CHANGES.includes(first)) {
        c.words(first);
        c.words('from') || c.words('into');
        c.words('only');
        const table = c.name();
        if (table) changed.add(tkey(table));
        push(statement, {
          unchecked: `it changes rows${table ? ` of ${table.sql}` : ''}; checks after it on that table are skipped`,
        });
        continue;
      }
      if (c.words('alter', 'domain')) {
        const rest = c.restWords();
        if (rest.includes('add') || rest.includes('validate') || (rest.includes('set') && rest.includes('not'))) {
          push(statement, { unchecked: 'a domain constraint: preflight does not check domains' });
        }
        continue;
      }
      const batched = onlineBackfill(statement);
      if (batched) {
        backfilled.add(ckey(batched.table, batched.column));
        continue;
      }
      if (c.words('select')) {
        // The planner moves an identity's sequence past existing values: reads only.
        const fn = c.word();
        if (fn === 'setval' || (fn === 'pg_catalog' && c.word(2) === 'setval')) continue;
        push(statement, { unchecked: 'it runs code preflight cannot judge' });
        continue;
      }
      const lower = statement.toLowerCase().replace(/\s+/g, ' ');
      if (SAFE_STARTS.some((s) => lower.startsWith(`${s} `))) continue;
      push(statement, { unchecked: 'not a statement form preflight knows' });
    }
  }
  return { checks, unchecked };

  function alterTableAction(table: SqlName, c: Cursor): Verdict | Verdict[] {
    if (c.words('add')) {
      let name: string | null = null;
      if (c.words('constraint')) name = c.ident()?.sql ?? null;
      const kind = c.word();
      if (kind === 'unique' || (kind === 'primary' && c.word(1) === 'key')) {
        c.words('unique') || c.words('primary', 'key');
        let nullsDistinct = true;
        if (c.words('nulls', 'not', 'distinct')) nullsDistinct = false;
        else c.words('nulls', 'distinct');
        if (c.words('using', 'index')) {
          // The index was built (and checked) by CREATE UNIQUE INDEX; a primary key also needs its columns NOT NULL.
          const index = uniqueIndexes.get(nameOf(c.ident()?.sql ?? ''));
          if (kind !== 'primary') return null;
          if (!index) return { unchecked: 'the index it uses was built before these migrations' };
          return index.keys.map((k) =>
            judge(table, [k], {
              kind: 'not_null',
              table,
              constraint: name ?? `PRIMARY KEY on ${table.sql}`,
              column: k,
            }),
          );
        }
        const keys = splitTopLevel(c.parens() ?? '');
        const label = name ?? `${kind === 'primary' ? 'PRIMARY KEY' : 'UNIQUE'} (${keys.join(', ')}) on ${table.sql}`;
        const unique = judge(table, keys, {
          kind: 'unique',
          table,
          constraint: label,
          keys,
          where: null,
          nullsDistinct,
        });
        if (kind !== 'primary') return unique;
        return [
          unique,
          ...keys.map((k) => judge(table, [k], { kind: 'not_null', table, constraint: label, column: k })),
        ];
      }
      if (kind === 'check') {
        c.words('check');
        const expression = c.parens() ?? '';
        const label = name ?? `CHECK (${expression}) on ${table.sql}`;
        const column = notNullColumn(expression);
        // The online planner's NOT NULL through a CHECK: say what it stands for.
        const check: Pending = column
          ? { kind: 'not_null', table, constraint: `${name ?? 'CHECK'} (NOT NULL on ${table.sql}.${column})`, column }
          : { kind: 'check', table, constraint: label, expression };
        if (column && backfilled.has(ckey(table, column))) return null;
        if (c.restWords().join(' ').endsWith('not valid')) {
          if (name) notValid.set(`${tkey(table)}\u0000${nameOf(name)}`, check);
          return null;
        }
        if (column) notNullDone.add(ckey(table, column));
        return judge(table, column ? [column] : [expression], check);
      }
      if (kind === 'foreign' && c.word(1) === 'key') {
        c.words('foreign', 'key');
        const columns = splitTopLevel(c.parens() ?? '');
        if (!c.words('references')) return { unchecked: 'not a statement form preflight knows' };
        const ref = c.name();
        const refColumns = splitTopLevel(c.parens() ?? '');
        if (!ref || refColumns.length !== columns.length) {
          return { unchecked: 'a foreign key without its referenced columns: preflight needs them written out' };
        }
        const rest = c.restWords().join(' ');
        const label = name ?? `FOREIGN KEY (${columns.join(', ')}) on ${table.sql}`;
        const check: Pending = {
          kind: 'foreign_key',
          table,
          constraint: label,
          columns,
          refTable: (renamedFrom.get(ref.name) ?? ref).sql,
          refColumns,
          matchFull: rest.includes('match full'),
        };
        if (rest.endsWith('not valid')) {
          if (name) notValid.set(`${tkey(table)}\u0000${nameOf(name)}`, check);
          return null;
        }
        if (created.has(ref.name) || (ref.schema !== null && createdShared.has(ref.name))) {
          return { unchecked: `it references ${ref.sql}, created by pending migrations (empty until then)` };
        }
        return judge(table, columns, check);
      }
      if (kind === 'exclude') return { unchecked: 'an exclusion constraint: preflight does not check those' };
      if (name !== null) return { unchecked: 'not a statement form preflight knows' };
      // ADD [COLUMN] [IF NOT EXISTS] name definition
      c.words('column');
      c.words('if', 'not', 'exists');
      const column = c.ident();
      if (!column) return { unchecked: 'not a statement form preflight knows' };
      const words = c.restWords();
      const hasDefault = words.includes('default') || words.includes('generated');
      const map = added.get(tkey(table)) ?? new Map();
      map.set(column.name, { hasDefault });
      added.set(tkey(table), map);
      if (['unique', 'primary', 'check', 'references'].some((w) => words.includes(w))) {
        return created.has(tkey(table)) ? null : { unchecked: 'a constraint on a new column depends on its default' };
      }
      const notNull = words.some((w, i) => w === 'not' && words[i + 1] === 'null');
      if (notNull && !hasDefault) {
        return judge(table, [], {
          kind: 'rows',
          table,
          constraint: `${table.sql}.${column.sql} NOT NULL without a default`,
        });
      }
      return null;
    }
    if (c.words('validate', 'constraint')) {
      const name = c.ident();
      const check = name ? notValid.get(`${tkey(table)}\u0000${name.name}`) : undefined;
      if (!check) return { unchecked: 'the constraint it validates was added before these migrations' };
      if (check.kind === 'not_null') {
        if (backfilled.has(ckey(table, check.column))) return null;
        notNullDone.add(ckey(table, check.column));
      }
      const columns =
        check.kind === 'check'
          ? [check.expression]
          : check.kind === 'foreign_key'
            ? check.columns
            : check.kind === 'not_null'
              ? [check.column]
              : [];
      return judge(table, columns, check);
    }
    if (c.words('alter')) {
      c.words('column');
      const column = c.ident();
      if (!column) return { unchecked: 'not a statement form preflight knows' };
      if (c.words('set', 'not', 'null')) {
        const k = ckey(table, column.sql);
        if (backfilled.has(k) || notNullDone.has(k)) return null;
        const fresh = added.get(tkey(table))?.get(column.name);
        if (fresh && !created.has(tkey(table))) {
          // A column these migrations added holds its default: with none, every row is NULL.
          if (fresh.hasDefault) return null;
          return {
            kind: 'rows',
            table: renamedFrom.get(tkey(table)) ?? table,
            constraint: `NOT NULL on ${table.sql}.${column.sql}`,
          };
        }
        return judge(table, [column.sql], {
          kind: 'not_null',
          table,
          constraint: `NOT NULL on ${table.sql}.${column.sql}`,
          column: column.sql,
        });
      }
      if (c.words('set', 'data', 'type') || c.words('type')) {
        const type = c.until(['collate', 'using']);
        if (c.words('collate')) c.until(['using']);
        const using = c.words('using') ? c.until() : null;
        return typeChange(table, column.sql, type, using);
      }
      if (c.words('set', 'expression'))
        return { unchecked: 'recomputing a generated column runs its expression on every row' };
      return null; // SET/DROP DEFAULT, DROP NOT NULL, identity, statistics, storage: no row can make these fail
    }
    if (c.words('rename', 'to')) {
      const to = c.ident();
      if (to) {
        renamedFrom.set(to.name, renamedFrom.get(tkey(table)) ?? table);
        if (created.has(tkey(table))) created.add(to.name);
        if (changed.has(tkey(table))) changed.add(to.name);
      }
      return null;
    }
    if (c.words('rename', 'constraint')) return null;
    if (c.words('rename')) {
      c.words('column');
      c.ident();
      c.words('to');
      const to = c.ident();
      if (to) {
        const set = renamedColumns.get(tkey(table)) ?? new Set();
        set.add(to.name);
        renamedColumns.set(tkey(table), set);
      }
      return null;
    }
    if (c.words('attach', 'partition'))
      return { unchecked: "attaching a partition checks its rows against the partition's bounds" };
    const first = c.word();
    if (
      first &&
      [
        'drop',
        'enable',
        'disable',
        'force',
        'no',
        'owner',
        'set',
        'reset',
        'cluster',
        'replica',
        'inherit',
        'detach',
        'of',
        'not',
      ].includes(first)
    ) {
      return null;
    }
    return { unchecked: 'not a statement form preflight knows' };
  }

  function typeChange(table: SqlName, column: string, type: string, using: string | null): Verdict {
    const label = `${table.sql}.${column} TYPE ${type}`;
    const array = /\[\s*\]$/.test(type);
    const base = nameOf(type.replace(/\[\s*\]$/, ''));
    const values = enums.get(base);
    if (values) return judge(table, [column], { kind: 'enum', table, constraint: label, column, values, array });
    if (createdTypes.has(base)) return { unchecked: `${type} is created by these migrations` };
    // `USING x::T` is tested as x against T's input function, so one bad row does not abort the count.
    const compact = (s: string) => s.replace(/\s+/g, '').toLowerCase();
    let value = using ?? column;
    if (using && compact(using).endsWith(`::${compact(type)}`)) {
      value = using.slice(0, using.lastIndexOf('::')).trim();
    }
    return judge(table, [value], { kind: 'cast', table, constraint: label, value, type });
  }

  function uniqueIndex(c: Cursor): Verdict {
    c.words('concurrently');
    c.words('if', 'not', 'exists');
    const name = c.word() === 'on' ? null : c.ident();
    if (!c.words('on')) return { unchecked: 'not a statement form preflight knows' };
    c.words('only');
    const table = c.name();
    if (!table) return { unchecked: 'not a statement form preflight knows' };
    if (c.words('using')) c.ident();
    const keys = splitTopLevel(c.parens() ?? '').map(indexKey);
    if (c.words('include')) c.parens();
    let nullsDistinct = true;
    if (c.words('nulls', 'not', 'distinct')) nullsDistinct = false;
    else c.words('nulls', 'distinct');
    if (c.words('with')) c.parens();
    if (c.words('tablespace')) c.ident();
    const where = c.words('where') ? c.until() : null;
    if (name) uniqueIndexes.set(name.name, { table, keys });
    const label = name?.sql ?? `UNIQUE INDEX on ${table.sql} (${keys.join(', ')})`;
    return judge(table, where ? [...keys, where] : keys, {
      kind: 'unique',
      table,
      constraint: label,
      keys,
      where,
      nullsDistinct,
    });
  }
}

/** `UPDATE t SET c = expr WHERE c IS NULL` (the planner's backfill before SET NOT NULL): c, else null. */
function backfillColumn(c: Cursor): string | null {
  if (!c.words('set')) return null;
  const column = c.ident();
  const eq = c.peek();
  if (!column || eq?.kind !== 'op' || eq.value !== '=') return null;
  c.until(['where']);
  if (!c.words('where')) return null;
  const again = c.ident();
  if (again?.name !== column.name || !c.words('is', 'null') || !c.done) return null;
  return column.sql;
}

/**
 * The online planner's batched backfill (#13): a `DO $pgfleet_backfill$` block that runs
 * `UPDATE t SET c = expr WHERE ctid = ANY (... c IS NULL LIMIT n)` until no NULL is left.
 * The table and column it fills, else null.
 */
function onlineBackfill(statement: string): { table: SqlName; column: string } | null {
  const block = /^do\s+\$pgfleet_backfill\$([\s\S]*)\$pgfleet_backfill\$$/i.exec(statement.trim());
  if (!block) return null;
  const at = block[1].search(/\bupdate\b/i);
  if (at === -1) return null;
  const c = new Cursor(block[1].slice(at));
  c.words('update');
  const table = c.name();
  if (!table || !c.words('set')) return null;
  const column = c.ident();
  return column ? { table, column: column.sql } : null;
}

/** Tables that `CREATE TABLE` statements of `migrations` create, by name. */
export function tablesCreatedBy(migrations: readonly Migration[]): Set<string> {
  const out = new Set<string>();
  for (const m of migrations) {
    let statements: string[];
    try {
      statements = splitStatements(m.up);
    } catch {
      continue;
    }
    for (const statement of statements) {
      const c = new Cursor(statement);
      if (!(c.words('create', 'table') || c.words('create', 'unlogged', 'table'))) continue;
      c.words('if', 'not', 'exists');
      const name = c.name();
      if (name) out.add(name.name);
    }
  }
  return out;
}
