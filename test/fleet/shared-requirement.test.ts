import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTenant, migrate } from '../../src/api/fleet.js';
import { loadFleetProject } from '../../src/api/project.js';
import { installCreateTenantFunction } from '../../src/fleet/create-tenant-function.js';
import { exampleCopy, write } from '../cli/project.js';
import { testDatabase } from '../support/db.js';

/**
 * A tenant migration that requires a shared one (the example's `-- requires: shared 0001`):
 * until the shared schema has it, `tenant create` refuses and pgfleet.create_tenant() waits.
 */
describe('a tenant migration that requires a shared one', { timeout: 120_000 }, () => {
  it('stops tenant create and the create function until the shared schema has it', async () => {
    const db = await testDatabase();
    const dir = await exampleCopy();
    await write(
      dir,
      'pgfleet.yaml',
      `database: ${db.url}\nmodel: schema\nmigrations: generated\ntenants:\n  list: [tenant_a]\n`,
    );
    const project = await loadFleetProject({ configPath: join(dir, 'pgfleet.yaml') });
    const { readMigrations } = await import('../../src/migrations/index.js');
    const set = await readMigrations(join(dir, 'generated'));
    expect(set.tenant[0].requires).toEqual({ scope: 'shared', version: '0001' });

    await expect(createTenant(project, 'tenant_a')).rejects.toThrow(
      /tenant migration 0001_initial requires shared 0001, which is not applied/,
    );
    const exists = await db.client.query("SELECT to_regnamespace('tenant_a') IS NOT NULL AS there");
    expect(exists.rows[0].there).toBe(false);
    expect(await installCreateTenantFunction(db.client, project.config, set)).toBe('waiting');

    await migrate(project, { only: { scope: 'shared' } });
    expect((await createTenant(project, 'tenant_a')).version).toBe('0005');
    expect(await installCreateTenantFunction(db.client, project.config, set)).toBe('current');
  });
});
