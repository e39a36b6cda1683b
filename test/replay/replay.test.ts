import { afterAll, describe, expect, it } from 'vitest';
import { type DevDatabase, openDevDatabase } from '../../src/devdb/dev-database.js';
import { replayedState, replayInScratch } from '../../src/replay/replay.js';
import { serverUrl } from '../support/db.js';

describe('replaying a migration directory', { timeout: 60_000 }, () => {
  let dev: DevDatabase;
  afterAll(() => dev?.close());

  it('of no migrations is what a scratch database reads as, without one', async () => {
    dev = await openDevDatabase(serverUrl());
    for (const sharedSchema of ['public', 'pgfleet_tenant']) {
      const none = { shared: [], tenant: [] };
      expect(await replayedState(dev, none, sharedSchema)).toStrictEqual(
        await replayInScratch(dev, sharedSchema, none),
      );
    }
  });
});
