import type { Config } from '../config/config.js';
import { loadConfig } from '../config/config.js';
import type { SourceIndex } from '../load/index.js';
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
 * What the fleet's operations (migrate, rollback, status, tenant) read: pgfleet.yaml and
 * the migration directory, never the model, which a fleet run does not look at.
 */
export type FleetProject = Pick<Project, 'config'>;

/** Read pgfleet.yaml only: the fleet commands start without parsing and validating the model. */
export async function loadFleetProject(options: ProjectOptions = {}): Promise<FleetProject> {
  return {
    config: await loadConfig({ configPath: options.configPath, databaseUrl: options.databaseUrl, cwd: options.cwd }),
  };
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
  // Imported here, not at the top: the fleet commands import this module and never read the model.
  const { loadModel } = await import('../load/index.js');
  const { shared, tenant, sources } = await loadModel(config);
  return { config, shared, tenant, sources };
}
