import { PgfleetError } from '../errors.js';
import { canonicaliseIn, type ScopedModels } from '../inspect/canonicalise.js';
import { unknownTypes } from '../load/check-types.js';
import type { SourceIndex } from '../load/source-index.js';
import type { Model } from '../model/types.js';
import type { DevDatabase } from './dev-database.js';

/** What canonicalising needs of a project: its two models, where they were written, the shared schema. */
export interface LoadedModel {
  readonly config: { readonly shared: { readonly schema: string } };
  readonly shared: Model;
  readonly tenant: Model;
  readonly sources: SourceIndex;
}

/**
 * The model as Postgres stores it, after checking its types exist: the desired state that
 * every diff compares against.
 */
export async function canonicalModel(project: LoadedModel, dev: DevDatabase): Promise<ScopedModels> {
  // One scratch database for both: the type check rolls back everything it creates.
  const scratch = await dev.scratch();
  try {
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
    return await canonicaliseIn(scratch.client, project, {
      sharedSchema: project.config.shared.schema,
      sources: project.sources,
    });
  } finally {
    await scratch.drop();
  }
}
