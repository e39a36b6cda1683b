import type { Config } from '../load/config.js';
import { loadConfig } from '../load/config.js';
import { loadModel, type SourceIndex } from '../load/index.js';
import type { Model } from '../model/types.js';

export interface Project {
  readonly config: Config;
  readonly shared: Model;
  readonly tenant: Model;
  readonly sources: SourceIndex;
}

export interface ProjectOptions {
  /** Path of pgfleet.yaml; a missing file means every default. */
  readonly configPath?: string;
  readonly databaseUrl?: string;
  readonly cwd?: string;
}

/**
 * Read pgfleet.yaml and the YAML model. Throws a PgfleetError('input') listing every
 * problem with its file:line:col.
 */
export async function loadProject(options: ProjectOptions = {}): Promise<Project> {
  const config = await loadConfig({
    configPath: options.configPath,
    databaseUrl: options.databaseUrl,
    cwd: options.cwd,
  });
  const { shared, tenant, sources } = await loadModel(config);
  return { config, shared, tenant, sources };
}
