import { type DevDatabase, openDevDatabase } from './dev-database.js';

/**
 * The dev database, started only when a replay is not cached or the model must be
 * canonicalised: a fleet whose expected states are all cached needs no dev Postgres.
 */
export function lazyDevDatabase(spec: string, major?: number): DevDatabase & { opened(): boolean } {
  let dev: Promise<DevDatabase> | null = null;
  const open = () => {
    dev ??= openDevDatabase(spec, { major });
    return dev;
  };
  return {
    get url() {
      return spec;
    },
    async scratch() {
      return (await open()).scratch();
    },
    async close() {
      if (dev) await (await dev).close();
    },
    opened: () => dev !== null,
  };
}
