import { PgfleetError } from '../errors.js';
import { canonicaliseIn, type ScopedModels } from '../inspect/canonicalise.js';
import { unknownTypes } from '../load/check-types.js';
import type { SourceIndex } from '../load/source-index.js';
import type { Model } from '../model/types.js';
import type { DevDatabase, ScratchDatabase } from './dev-database.js';
import { withDevDatabase } from './with-dev-database.js';

/** What canonicalising needs of a project: its two models, where they were written, the shared schema. */
export interface LoadedModel {
  readonly config: { readonly shared: { readonly schema: string } };
  readonly shared: Model;
  readonly tenant: Model;
  readonly sources: SourceIndex;
}

/** The canonical model and the scratch database that holds it (its owner drops it). */
export interface CanonicalDatabase {
  readonly models: ScopedModels;
  /** The model created in `scratchLayout(shared schema)`, as canonicalising left it. */
  readonly scratch: ScratchDatabase;
}

/**
 * The model as Postgres stores it, after checking its types exist, and the scratch database
 * it was created in, kept for the caller (`generate` verifies its migrations there instead
 * of creating the model once more). Nothing is left behind when it throws.
 */
export async function canonicalDatabase(project: LoadedModel, dev: DevDatabase): Promise<CanonicalDatabase> {
  const scratch = await dev.scratch();
  try {
    // In a transaction that is rolled back: the database is empty again for the model.
    const diagnostics = await unknownTypes(project, scratch.client, project.sources);
    if (diagnostics.length > 0) {
      throw new PgfleetError(
        'input',
        `${diagnostics.length} unknown type${diagnostics.length > 1 ? 's' : ''} in the model`,
        {
          diagnostics,
          hint: 'use a type Postgres knows (see `\\dT` in psql), or declare it under enums',
        },
      );
    }
    const models = await canonicaliseIn(scratch.client, project, {
      sharedSchema: project.config.shared.schema,
      sources: project.sources,
    });
    return { models, scratch };
  } catch (error) {
    await scratch.drop();
    throw error;
  }
}

/**
 * The model as Postgres stores it, after checking its types exist: the desired state that
 * every diff compares against.
 */
export async function canonicalModel(project: LoadedModel, dev: DevDatabase): Promise<ScopedModels> {
  const { models, scratch } = await canonicalDatabase(project, dev);
  await scratch.drop();
  return models;
}

/**
 * Run `work` with the project's dev database and the model canonicalised in a scratch
 * database on it (see `canonicalDatabase`), dropped and closed afterwards whatever happens.
 */
export function withCanonicalDatabase<T>(
  project: LoadedModel & Parameters<typeof withDevDatabase>[0],
  work: (dev: DevDatabase, canonical: CanonicalDatabase) => Promise<T>,
): Promise<T> {
  return withDevDatabase(project, async (dev) => {
    const canonical = await canonicalDatabase(project, dev);
    try {
      return await work(dev, canonical);
    } finally {
      await canonical.scratch.drop();
    }
  });
}
