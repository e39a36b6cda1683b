import { afterAll, describe, expect, it } from 'vitest';
import { type DevDatabase, openDevDatabase } from '../../src/devdb/dev-database.js';
import { canonicalise, canonicaliseIn, type ScopedModels } from '../../src/inspect/canonicalise.js';
import { parseMigration } from '../../src/migrations/index.js';
import { column, emptyModel, model, table } from '../../src/model/build.js';
import { verifyMigrations } from '../../src/replay/verify.js';
import { serverUrl } from '../support/db.js';

const SHARED = 'public';
const before = { shared: emptyModel(), tenant: model({ tables: [table('item', [column('id', 'bigint')])] }) };
const after = {
  shared: emptyModel(),
  tenant: model({ tables: [table('item', [column('id', 'bigint'), column('label', 'text', { nullable: true })])] }),
};

const migration = (up: string, down: string) =>
  parseMigration(
    `-- pgfleet 0002_label\n-- scope: tenant\n-- transaction: true\n-- hazards: none\n\n-- +up\n${up}\n\n-- +down\n${down}\n`,
    'tenant/0002_label.sql',
  );
const right = migration('ALTER TABLE item ADD COLUMN label text;', 'ALTER TABLE item DROP COLUMN label;');
// Each wrong in one direction only: the other direction is right.
const wrongDown = migration('ALTER TABLE item ADD COLUMN label text;', 'SELECT 1;');
const wrongUp = migration('ALTER TABLE item ADD COLUMN label varchar(10);', 'ALTER TABLE item DROP COLUMN label;');

describe('verifying new migrations', { timeout: 120_000 }, () => {
  let dev: DevDatabase;
  let current: ScopedModels;
  let target: ScopedModels;
  afterAll(() => dev?.close());

  it('starts from the canonicalised database or builds the target itself; a wrong down or up is refused', async () => {
    dev = await openDevDatabase(serverUrl());
    current = await canonicalise(before, dev, { sharedSchema: SHARED });
    target = await canonicalise(after, dev, { sharedSchema: SHARED });
    const canonicalScratch = async () => {
      const scratch = await dev.scratch();
      await canonicaliseIn(scratch.client, after, { sharedSchema: SHARED });
      return scratch;
    };
    for (const given of [false, true]) {
      const verify = async (m: ReturnType<typeof migration>) => {
        const scratch = given ? await canonicalScratch() : null;
        try {
          await verifyMigrations(dev, SHARED, current, target, [m], scratch);
        } finally {
          await scratch?.drop();
        }
      };
      await expect(verify(right)).resolves.toBeUndefined();
      await expect(verify(wrongDown)).rejects.toThrow('did not verify: after down, the tenant schema differs');
      await expect(verify(wrongUp)).rejects.toThrow('did not verify: after up, the tenant schema differs');
    }
  });
});
