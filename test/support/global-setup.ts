import { randomUUID } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { dockerImage, startContainer } from '../../src/devdb/container.js';
import { startEmbedded } from '../../src/devdb/embedded.js';
import { leftoverProcesses } from './leftover-processes.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/**
 * One Postgres for the whole run: TEST_DATABASE_URL when set, else a throw-away container
 * when TEST_DATABASE=docker:IMAGE (`npm run test:docker`), else a private embedded server.
 * Each test file makes its own databases on it (see `testDatabase`).
 *
 * The CLI keeps a warm dev server for the next command; in tests it is off (test/cli/warm.test.ts
 * turns it on in a cache dir of its own). Afterwards the run checks that it left no Postgres
 * server or warm-server watchdog running: every process it starts inherits PGFLEET_TEST_RUN.
 */
export default async function setup(project: TestProject) {
  const run = randomUUID();
  process.env.PGFLEET_TEST_RUN = run;
  process.env.PGFLEET_WARM = '0';
  const given = process.env.TEST_DATABASE_URL;
  const image = dockerImage(process.env.TEST_DATABASE ?? '');
  let server: { readonly url: string; stop(): Promise<void> } | null = null;
  if (given) project.provide('databaseUrl', given);
  else {
    server = image ? await startContainer(image, { setting: `TEST_DATABASE=docker:${image}` }) : await startEmbedded();
    project.provide('databaseUrl', server.url);
  }
  return async () => {
    await server?.stop();
    // A server stopping a moment late (a test's cleanup racing the end) is not a leak.
    let left = leftoverProcesses(run);
    for (let i = 0; i < 50 && left.length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = leftoverProcesses(run);
    }
    if (left.length > 0) {
      for (const p of left) {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      throw new Error(
        `the test run left ${left.length} process(es) running (now killed):\n${left.map((p) => `  ${p.pid} ${p.command}`).join('\n')}`,
      );
    }
  };
}
