import { type DevDatabase, openDevDatabase } from '../devdb/dev-database.js';
import { PgfleetError } from '../errors.js';
import { canonicalise, type ScopedModels } from '../inspect/canonicalise.js';
import { unknownTypes } from '../load/index.js';
import type { Project } from './project.js';

export interface ValidateResult {
  readonly valid: true;
  readonly shared: { readonly schema: string; readonly tables: number; readonly enums: number };
  readonly tenant: { readonly tables: number; readonly enums: number };
}

/**
 * Run `work` with the project's dev database, closed afterwards whatever happens.
 */
export async function withDevDatabase<T>(project: Project, work: (dev: DevDatabase) => Promise<T>): Promise<T> {
  const dev = await openDevDatabase(project.config.devDatabase);
  try {
    return await work(dev);
  } finally {
    await dev.close();
  }
}

/**
 * The model as Postgres stores it, after checking its types exist: the desired state that
 * every diff compares against.
 */
export async function canonicalModel(project: Project, dev: DevDatabase): Promise<ScopedModels> {
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
  } finally {
    await scratch.drop();
  }
  return canonicalise(project, dev, { sharedSchema: project.config.shared.schema, sources: project.sources });
}

/** Check the model against the JSON Schema (done by loading), semantic rules and Postgres itself. */
export async function validate(project: Project): Promise<ValidateResult> {
  const canonical = await withDevDatabase(project, (dev) => canonicalModel(project, dev));
  return {
    valid: true,
    shared: {
      schema: project.config.shared.schema,
      tables: canonical.shared.tables.length,
      enums: canonical.shared.enums.length,
    },
    tenant: { tables: canonical.tenant.tables.length, enums: canonical.tenant.enums.length },
  };
}
