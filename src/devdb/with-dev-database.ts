import { type DevDatabase, openDevDatabase } from './dev-database.js';

/**
 * Run `work` with the project's dev database, closed afterwards whatever happens.
 */
export async function withDevDatabase<T>(
  project: { readonly config: { readonly devDatabase: string; readonly postgres?: number | null } },
  work: (dev: DevDatabase) => Promise<T>,
): Promise<T> {
  const dev = await openDevDatabase(project.config.devDatabase, { major: project.config.postgres ?? undefined });
  try {
    return await work(dev);
  } finally {
    await dev.close();
  }
}
