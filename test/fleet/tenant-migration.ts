import type { Migration } from '../../src/migrations/types.js';

/** A transactional tenant migration as the directory would give it, for tests that apply SQL directly. */
export const tenantMigration = (version: string, up: string, down = ''): Migration => ({
  id: `${version}_m`,
  version,
  name: 'm',
  scope: 'tenant',
  path: `tenant/${version}_m.sql`,
  checksum: `sum-${version}`,
  transactional: true,
  requires: null,
  replaces: [],
  hazards: [],
  manual: false,
  up,
  down,
});
