import { createTwoFilesPatch } from 'diff';
import type pg from 'pg';
import { stringify } from 'yaml';
import type { DevDatabase, ScratchDatabase } from '../devdb/dev-database.js';
import { PgfleetError } from '../errors.js';
import { createFromModel, type ScopedModels } from '../inspect/canonicalise.js';
import type { Migration, MigrationSet } from '../migrations/index.js';
import { sameSchema, stored } from '../model/compare.js';
import type { Model, Scope } from '../model/types.js';
import { type Rewrites, upDetectingRewrites } from './detect-rewrites.js';
import {
  createLayout,
  inspectLayout,
  pathFor,
  replayAll,
  runSection,
  type ScratchLayout,
  scratchLayout,
} from './replay.js';

/** A unified diff of two models as YAML, for a human to read. */
export function modelPatch(label: string, expected: Model, actual: Model): string {
  return createTwoFilesPatch(
    `${label} (expected)`,
    `${label} (actual)`,
    stringify(stored(expected)),
    stringify(stored(actual)),
    '',
    '',
    {
      context: 3,
    },
  );
}

async function expectState(client: pg.ClientBase, layout: ScratchLayout, expected: ScopedModels, moment: string) {
  const actual = await inspectLayout(client, layout);
  for (const scope of ['shared', 'tenant'] as Scope[]) {
    if (!sameSchema(actual[scope], expected[scope])) {
      throw new PgfleetError(
        'finding',
        `the new migration did not verify: after ${moment}, the ${scope} schema differs`,
        {
          hint: `${modelPatch(scope, expected[scope], actual[scope])}\nNothing was written. This is a bug in pgfleet's planner unless a hand-written migration interferes; please report it with the model change.`,
        },
      );
    }
  }
}

/**
 * Prove new migrations on a scratch database before they are written: from the target state,
 * down gives `current` back, and up from there gives `target` again.
 *
 * The target state is `atTarget` when given (the scratch database the model was canonicalised
 * in, which holds `target`), or is created from `target` here. It stands in for a first pass
 * of up from `current`: that pass would only make, at the cost of creating the whole schema
 * again, a state that compares equal to the one already there. The up that is proven is the
 * one that runs on the state the down left, as a rollback and a new rollout would run it.
 *
 * Returns the statements that rewrote a table that existed before (see detect-rewrites.ts),
 * read while that up runs.
 */
export async function verifyMigrations(
  dev: DevDatabase,
  sharedSchema: string,
  current: ScopedModels,
  target: ScopedModels,
  migrations: readonly Migration[],
  atTarget: ScratchDatabase | null = null,
): Promise<Rewrites> {
  const scratch = atTarget ?? (await dev.scratch());
  try {
    const { client } = scratch;
    const layout = scratchLayout(sharedSchema);
    if (!atTarget) {
      await createLayout(client, layout);
      await createFromModel(client, target.shared, 'shared', [layout.shared], { sharedSchema });
      await createFromModel(client, target.tenant, 'tenant', pathFor(layout, { scope: 'tenant' }), { sharedSchema });
    }
    const ordered = [...migrations].sort((a, b) => (a.scope === b.scope ? 0 : a.scope === 'shared' ? -1 : 1));
    for (const m of [...ordered].reverse()) await runSection(client, layout, m, 'down');
    await expectState(client, layout, current, 'down');
    // Each migration's up on a database in the state before it (what the fleet will run),
    // reading from the catalog which tables Postgres rewrote.
    const rewrites = await upDetectingRewrites(client, layout, ordered);
    await expectState(client, layout, target, 'up');
    return rewrites;
  } finally {
    if (!atTarget) await scratch.drop();
  }
}

/**
 * Prove renumbered migrations (`moved`: `scope/id` after the move): the whole directory
 * replays, and the moved ones go down and up again, after the others, to the same state.
 */
export async function verifyRenumbered(
  dev: DevDatabase,
  sharedSchema: string,
  set: MigrationSet,
  movedIds: readonly string[],
): Promise<void> {
  const scratch = await dev.scratch();
  try {
    const layout = scratchLayout(sharedSchema);
    await createLayout(scratch.client, layout);
    await replayAll(scratch.client, layout, set);
    const after = await inspectLayout(scratch.client, layout);
    const moved = new Set(movedIds);
    const last = [...set.shared, ...set.tenant].filter((m) => moved.has(`${m.scope}/${m.id}`));
    for (const m of [...last].reverse()) await runSection(scratch.client, layout, m, 'down');
    for (const m of last) await runSection(scratch.client, layout, m, 'up');
    const again = await inspectLayout(scratch.client, layout);
    for (const scope of ['shared', 'tenant'] as Scope[]) {
      if (!sameSchema(after[scope], again[scope])) {
        throw new PgfleetError(
          'finding',
          `a renumbered ${scope} migration does not go down and up cleanly after the others`,
          {
            hint: modelPatch(scope, after[scope], again[scope]),
          },
        );
      }
    }
  } finally {
    await scratch.drop();
  }
}
