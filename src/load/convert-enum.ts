import { identifierProblem, MAX_IDENTIFIER_BYTES, utf8Length } from '../model/names.js';
import type { Enum } from '../model/types.js';
import type { ConvertContext } from './drafts.js';
import type { RawFile } from './raw-model.js';

type RawEnum = NonNullable<RawFile['enums']>[string];

/** An enum: `name: [values]` or `name: { values, comment }`. */
export function convertEnum(name: string, raw: RawEnum, ctx: ConvertContext): Enum {
  const path = ['enums', name];
  const problem = identifierProblem(name);
  if (problem) ctx.report(ctx.source.diagnostic(path, `enum name ${JSON.stringify(name)} ${problem}`));
  const values = Array.isArray(raw) ? raw : raw.values;
  const valuesPath = Array.isArray(raw) ? path : [...path, 'values'];
  values.forEach((value, i) => {
    // Labels are limited like names (NAMEDATALEN), but Postgres rejects rather than truncates.
    if (utf8Length(value) > MAX_IDENTIFIER_BYTES) {
      ctx.report(
        ctx.source.diagnostic(
          [...valuesPath, i],
          `enum label is longer than ${MAX_IDENTIFIER_BYTES} bytes`,
          undefined,
          'value',
        ),
      );
    }
  });
  return { kind: 'enum', name, values, comment: Array.isArray(raw) ? null : (raw.comment ?? null) };
}
