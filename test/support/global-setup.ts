import type { TestProject } from 'vitest/node';
import { dockerImage, startContainer } from '../../src/devdb/container.js';
import { startEmbedded } from '../../src/devdb/embedded.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/**
 * One Postgres for the whole run: TEST_DATABASE_URL when set, else a throw-away container
 * when TEST_DATABASE=docker:IMAGE (`npm run test:docker`), else a private embedded server.
 * Each test file makes its own databases on it (see `testDatabase`).
 */
export default async function setup(project: TestProject) {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide('databaseUrl', given);
    return;
  }
  const image = dockerImage(process.env.TEST_DATABASE ?? '');
  if (image) {
    const container = await startContainer(image, { setting: `TEST_DATABASE=docker:${image}` });
    project.provide('databaseUrl', container.url);
    return async () => container.stop();
  }
  const server = await startEmbedded();
  project.provide('databaseUrl', server.url);
  return async () => server.stop();
}
