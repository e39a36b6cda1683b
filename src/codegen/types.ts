/**
 * The spelling Postgres prints (`format_type`) for the aliases a model may use, so that
 * code generators map one name per type without a dev database: `int4` and `int` are
 * `integer`, `varchar(100)` is `character varying(100)`, `timestamptz` is `timestamp with
 * time zone`. Precision modifiers on times are dropped; anything else is returned as written
 * (lowercased outside quotes).
 */
const ALIASES: Record<string, string> = {
  int: 'integer',
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  serial4: 'serial',
  serial8: 'bigserial',
  serial2: 'smallserial',
  bool: 'boolean',
  float4: 'real',
  float8: 'double precision',
  float: 'double precision',
  decimal: 'numeric',
  varchar: 'character varying',
  char: 'character',
  bpchar: 'character',
  timestamptz: 'timestamp with time zone',
  timestamp: 'timestamp without time zone',
  time: 'time without time zone',
  timetz: 'time with time zone',
};

export function canonicalType(type: string): string {
  const t = type.trim();
  if (t.endsWith('[]')) return `${canonicalType(t.slice(0, -2))}[]`;
  if (t.startsWith('"')) return t;
  const lower = t.toLowerCase().replace(/\s+/g, ' ');
  const m = /^([a-z_][a-z0-9_ ]*?)\s*(\(([^)]*)\))?(\s+with(out)? time zone)?$/.exec(lower);
  if (!m) return lower;
  const base = ALIASES[m[1]] ?? m[1];
  const zone = m[4]?.trim();
  if (/^time(stamp)?/.test(base)) {
    const kind = base.startsWith('timestamp') ? 'timestamp' : 'time';
    const withZone = zone ? zone === 'with time zone' : base.endsWith('with time zone');
    return `${kind} ${withZone ? 'with' : 'without'} time zone`;
  }
  const args = m[3]?.replace(/\s+/g, '');
  if (base === 'character' && args === undefined) return 'character(1)';
  return args !== undefined ? `${base}(${args})` : base;
}
