import type { Extension, Scope } from '../model/types.js';
import { convertEnum } from './convert-enum.js';
import { convertCompositeType, convertDomain, convertRoutine, convertView } from './convert-objects.js';
import { convertSequence } from './convert-sequence.js';
import { convertTableWithPartitions } from './convert-table.js';
import { convertTextObjects } from './convert-text-objects.js';
import type { ConvertContext, Declared, FileObjects } from './drafts.js';
import type { RawFile } from './raw-model.js';

/** What a (schema-valid) file declares, converted for one scope. */
export function convertFile(raw: RawFile, ctx: ConvertContext): FileObjects {
  const { source, scope } = ctx;
  const declared = <T>(path: (string | number)[], value: T): Declared<T> => ({ source, path, value });
  const extensions: Declared<Extension>[] = [];
  if (raw.extensions !== undefined && raw.extensions.length > 0) {
    if (scope === 'shared') {
      for (const name of raw.extensions) extensions.push(declared(['extensions', name], { kind: 'extension', name }));
    } else {
      ctx.report(
        source.diagnostic(
          ['extensions'],
          raw.scope === 'both'
            ? 'extensions belong to the shared scope, and this file is also in the tenant scope (scope: both)'
            : 'extensions belong to the shared scope',
          'move them to a file under shared/: a database has each extension once, and tenant schemas reach its objects through the shared schema',
        ),
      );
    }
  }
  return {
    ...convertTextObjects(raw, ctx),
    extensions,
    enums: Object.entries(raw.enums ?? {}).map(([name, e]) => declared(['enums', name], convertEnum(name, e, ctx))),
    sequences: Object.entries(raw.sequences ?? {}).map(([name, s]) =>
      declared(['sequences', name], convertSequence(name, s, ctx)),
    ),
    tables: Object.entries(raw.tables ?? {}).flatMap(([name, t]) => convertTableWithPartitions(name, t, ctx)),
    domains: Object.entries(raw.domains ?? {}).map(([name, d]) =>
      declared(['domains', name], convertDomain(name, d, ctx)),
    ),
    functions: Object.entries(raw.functions ?? {}).map(([name, f]) =>
      declared(['functions', name], convertRoutine(name, f, ctx)),
    ),
    types: Object.entries(raw.types ?? {}).map(([name, t]) =>
      declared(['types', name], convertCompositeType(name, t, ctx)),
    ),
    views: [
      ...Object.entries(raw.views ?? {}).map(([name, v]) =>
        declared(['views', name], convertView(name, v, false, ctx)),
      ),
      ...Object.entries(raw.materializedViews ?? {}).map(([name, v]) =>
        declared(['materializedViews', name], convertView(name, v, true, ctx)),
      ),
    ],
  };
}

/** The scopes a file's objects go to: its folder's, unless it says `scope:` itself. */
export function fileScopes(raw: RawFile, folderScope: Scope | null): Scope[] | null {
  const scope = raw.scope ?? folderScope;
  if (scope === null) return null;
  return scope === 'both' ? ['shared', 'tenant'] : [scope];
}
