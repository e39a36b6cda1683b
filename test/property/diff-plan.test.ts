import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { DevDatabase } from '../../src/devdb/dev-database.js';
import { diff } from '../../src/diff/diff.js';
import { emptyModel } from '../../src/model/build.js';
import { invert } from '../../src/model/changes.js';
import type { Model } from '../../src/model/types.js';
import { converge } from '../support/convergence.js';
import { serverUrl, type TestDatabase, testDatabase } from '../support/db.js';
import { reusedScratch } from '../support/reused-scratch.js';
import { modelArb, pairArb } from './arbitraries.js';

/**
 * Property tests of diff + plan. FC_SEED=<n> replays a run; FC_RUNS=<n> changes the number
 * of database runs (default 25); FC_SHRINK=1 shrinks a failure to a minimal pair (slow:
 * every step is a convergence run on Postgres).
 */
const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
const numRuns = Number(process.env.FC_RUNS ?? 25);
const settings = (runs: number): fc.Parameters<unknown> => ({
  numRuns: runs,
  ...(seed !== undefined ? { seed } : {}),
  endOnFailure: !process.env.FC_SHRINK,
});

/** A model as YAML without the fields at their defaults (null, [], false). */
const show = (m: Model) =>
  stringify(
    JSON.parse(
      JSON.stringify(m, (_k, v) => (v === null || v === false || (Array.isArray(v) && !v.length) ? undefined : v)),
    ),
    { lineWidth: 0 },
  );

describe('diff (pure)', () => {
  it('finds nothing between a model and itself', () => {
    fc.assert(
      fc.property(modelArb, (m) => {
        expect(diff(m, m)).toEqual([]);
      }),
      settings(200),
    );
  });

  it('has changes whose inverse of the inverse is the change', () => {
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        for (const c of [...diff(emptyModel(), a), ...diff(a, b), ...diff(b, emptyModel())]) {
          // The one exception, by design: Postgres cannot remove an enum value, so the
          // inverse of adding values is a rebuild, and so is the inverse of that.
          const expected = c.kind === 'add_enum_values' ? { ...c, kind: 'recreate_enum' } : c;
          expect(invert(invert(c))).toEqual(expected);
        }
      }),
      settings(200),
    );
  });
});

describe('diff + plan on Postgres', () => {
  let db: TestDatabase;
  let dev: DevDatabase;
  beforeAll(async () => {
    db = await testDatabase();
    dev = reusedScratch(serverUrl());
  });
  afterAll(async () => dev.close());

  it(
    'converges: up gives B, re-plan is empty, down gives A',
    async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(pairArb, async ([a, b]) => {
          const none = emptyModel();
          try {
            await converge(db.client, dev, { shared: none, tenant: a }, { shared: none, tenant: b }, `p${run++}`);
          } catch (error) {
            // The models as YAML-ish data, easier to read than fast-check's one-line counterexample.
            console.error(`counterexample:\n--- A\n${show(a)}--- B\n${show(b)}`);
            throw error;
          }
        }),
        settings(numRuns),
      );
    },
    // About 1 s a run on a quiet machine; the margin is for a loaded one.
    60_000 + numRuns * 8_000,
  );
});
