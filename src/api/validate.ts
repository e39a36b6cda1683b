import { canonicalModel } from '../devdb/canonical-model.js';
import { withDevDatabase } from '../devdb/with-dev-database.js';
import type { Project } from './project.js';

export interface ValidateResult {
  readonly valid: true;
  readonly shared: { readonly schema: string; readonly tables: number; readonly enums: number };
  readonly tenant: { readonly tables: number; readonly enums: number };
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
