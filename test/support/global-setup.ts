import type { TestProject } from 'vitest/node';
import { startEmbedded } from '../../src/devdb/embedded.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/**
 * One Postgres for the whole run: TEST_DATABASE_URL when set, else a private embedded
 * server. Each test file makes its own databases on it (see `testDatabase`).
 */
export default async function setup(project: TestProject) {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide('databaseUrl', given);
    return;
  }
  const server = await startEmbedded();
  project.provide('databaseUrl', server.url);
  return async () => server.stop();
}
