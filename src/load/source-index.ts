import type { Scope } from '../model/types.js';
import type { YamlSource } from '../yaml/yaml-source.js';

/** Where the objects of the model are written, for messages about them found later. */
export interface SourceIndex {
  /**
   * The `file:line:col` of a path in the YAML form of a scope, e.g.
   * `['tables', 'services_service', 'columns', 'price']` or `['enums', 'booking_status']`
   * (`['extensions', 'citext']` finds a list entry by value): the key of an object, the
   * value itself when it is a scalar (so `[..., 'type']` points at the type as written). When the path does not exist
   * to its end (e.g. a key the user left to its default), the deepest part that does is
   * given, as long as it names the object itself; otherwise undefined.
   */
  find(scope: Scope, path: readonly string[]): { file: string; line: number; col: number } | undefined;
}

/** A SourceIndex over the files of a model, each with the scopes it contributes to. */
export function sourceIndex(files: readonly { source: YamlSource; scopes: readonly Scope[] }[]): SourceIndex {
  return {
    find(scope, path) {
      let best: { file: string; line: number; col: number; depth: number } | undefined;
      for (const { source, scopes } of files) {
        if (!scopes.includes(scope)) continue;
        const { line, col, depth } = source.locate(path, 'auto');
        if (depth === path.length) return { file: source.file, line, col };
        if (depth >= Math.min(2, path.length) && (!best || depth > best.depth))
          best = { file: source.file, line, col, depth };
      }
      return best && { file: best.file, line: best.line, col: best.col };
    },
  };
}
