import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from '../../src/api/generate.js';
import { loadProject, type Project } from '../../src/api/project.js';
import { serverUrl } from '../support/db.js';
import { projectDir } from '../support/project-dir.js';

export const SHARED = `tables:
  users_user:
    columns:
      id: { type: bigint, identity: by default }
      email: { type: varchar(254), unique: true }
    primaryKey: [id]
`;

/** Tenant model versions: each adds one step to the last. */
export const TENANT = [
  `tables:
  services_service:
    columns:
      id: { type: bigint, identity: always }
      name: { type: varchar(200) }
      owner_id: { type: bigint, nullable: true, references: { table: shared.users_user } }
    primaryKey: [id]
`,
];
TENANT.push(
  TENANT[0].replace('    primaryKey: [id]', '      capacity: { type: integer, default: 1 }\n    primaryKey: [id]'),
);
TENANT.push(
  TENANT[1].replace('    primaryKey: [id]', '      code: { type: text, nullable: true }\n    primaryKey: [id]'),
);
TENANT.push(
  TENANT[2].replace(
    '    primaryKey: [id]',
    '    primaryKey: [id]\n    unique:\n      services_service_name_key: [name]',
  ),
);
TENANT.push(TENANT[3].replace('    primaryKey: [id]', '      note: { type: text, default: "" }\n    primaryKey: [id]'));

/** A project on the test server whose fleet is every schema named tenant%. */
export async function fleetProject(
  databaseUrl: string,
  config = "tenants:\n  match: 'tenant%'\n",
): Promise<{ dir: string; project: () => Promise<Project>; version: (n: number) => Promise<void> }> {
  const dir = await projectDir({
    prefix: 'pgfleet-fleet-',
    devDatabase: serverUrl(),
    database: databaseUrl,
    config,
    files: { 'schema/shared/users.yaml': SHARED },
  });
  const project = () => loadProject({ configPath: join(dir, 'pgfleet.yaml') });
  return {
    dir,
    project,
    /** Move the model to version n and generate its migration. */
    async version(n: number) {
      await writeFile(join(dir, 'schema', 'tenant', 'services.yaml'), TENANT[n]);
      await generate(await project(), { allowDestructive: true });
    },
  };
}
