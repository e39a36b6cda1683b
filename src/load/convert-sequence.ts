import { identifierProblem } from '../model/names.js';
import type { Sequence } from '../model/types.js';
import type { Path } from '../yaml/yaml-source.js';
import { convertGrants, SEQUENCE_PRIVILEGES } from './convert-objects.js';
import type { ConvertContext } from './drafts.js';
import type { RawInteger, RawSequence } from './raw-model.js';

const TYPES: Record<string, { type: string; min: bigint; max: bigint }> = {
  smallint: { type: 'smallint', min: -32768n, max: 32767n },
  integer: { type: 'integer', min: -2147483648n, max: 2147483647n },
  bigint: { type: 'bigint', min: -9223372036854775808n, max: 9223372036854775807n },
};
const ALIASES: Record<string, string> = { int2: 'smallint', int4: 'integer', int: 'integer', int8: 'bigint' };

/**
 * A sequence with every omitted option filled with Postgres' default for its type and
 * direction (ascending: 1 .. type max, descending: type min .. -1, start at the near end),
 * so that it compares equal to what inspection reads back.
 */
export function convertSequence(name: string, raw: RawSequence, ctx: ConvertContext): Sequence {
  const path: Path = ['sequences', name];
  const report = (at: Path, message: string, hint?: string) =>
    ctx.report(ctx.source.diagnostic(at, message, hint, 'value'));
  const problem = identifierProblem(name);
  if (problem) ctx.report(ctx.source.diagnostic(path, `sequence name ${JSON.stringify(name)} ${problem}`));

  const spec = TYPES[ALIASES[raw.type ?? 'bigint'] ?? raw.type ?? 'bigint'];
  const read = (key: keyof RawSequence, value: RawInteger | undefined, bounded = true): bigint | undefined => {
    if (value === undefined) return undefined;
    // A YAML integer beyond 2^53 has lost digits as a JS number; its source text has not.
    const written = typeof value === 'number' ? ctx.source.scalarSource([...path, key]) : value;
    const exact = written !== undefined && /^-?\d+$/.test(written) ? BigInt(written) : BigInt(value);
    if (bounded && (exact < spec.min || exact > spec.max)) {
      report(
        [...path, key],
        `\`${key}\` of sequence ${name} is out of range for ${spec.type} (${spec.min} .. ${spec.max})`,
      );
    }
    return exact;
  };

  let increment = read('increment', raw.increment, false) ?? 1n;
  if (increment === 0n) {
    report([...path, 'increment'], `\`increment\` of sequence ${name} cannot be 0`);
    increment = 1n;
  }
  const ascending = increment > 0n;
  const min = read('min', raw.min) ?? (ascending ? 1n : spec.min);
  const max = read('max', raw.max) ?? (ascending ? spec.max : -1n);
  const start = read('start', raw.start) ?? (ascending ? min : max);
  const cache = read('cache', raw.cache, false) ?? 1n;
  if (min >= max)
    report(
      [...path, raw.min !== undefined ? 'min' : 'max'],
      `sequence ${name}: min (${min}) must be below max (${max})`,
    );
  else if (start < min || start > max) {
    report([...path, 'start'], `sequence ${name}: start (${start}) must be between min (${min}) and max (${max})`);
  }
  if (cache < 1n) report([...path, 'cache'], `\`cache\` of sequence ${name} must be at least 1`);
  return {
    kind: 'sequence',
    name,
    type: spec.type,
    start: String(start),
    increment: String(increment),
    min: String(min),
    max: String(max),
    cache: String(cache),
    cycle: raw.cycle ?? false,
    grants: convertGrants(raw.grants, SEQUENCE_PRIVILEGES),
    comment: raw.comment ?? null,
  };
}
