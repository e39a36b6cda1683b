import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from '../../src/api/generate.js';
import { loadProject, type Project } from '../../src/api/project.js';
import { SHARED } from '../fleet/fleet-project.js';
import { serverUrl } from '../support/db.js';
import { projectDir } from '../support/project-dir.js';

/** Tenant model versions: an enum, a default, a check, an index and an FK to the shared schema; then a column more. */
export const TENANT = [
  `enums:
  booking_status: [new, confirmed, cancelled]
tables:
  bookings_booking:
    columns:
      id: { type: bigint, identity: always }
      status: { type: booking_status, default: new }
      seats: { type: integer, default: 1 }
      customer_id: { type: bigint, nullable: true, references: { table: shared.users_user } }
    primaryKey: [id]
    checks:
      bookings_booking_seats_check: seats > 0
    indexes:
      bookings_booking_status_idx: { columns: [status] }
`,
];
TENANT.push(TENANT[0].replace('    primaryKey: [id]', '      note: { type: text, default: "" }\n    primaryKey: [id]'));

export interface DriftProject {
  readonly dir: string;
  readonly config: string;
  project(): Promise<Project>;
  /** Write tenant model version n; generate its migration unless `generated` is false. */
  version(n: number, generated?: boolean): Promise<void>;
}

/** A project on the test server whose fleet is every schema named tenant%. */
export async function driftProject(databaseUrl: string): Promise<DriftProject> {
  const dir = await projectDir({
    prefix: 'pgfleet-drift-',
    devDatabase: serverUrl(),
    database: databaseUrl,
    config: "tenants:\n  match: 'tenant%'\n",
    files: { 'schema/shared/users.yaml': SHARED },
  });
  const config = join(dir, 'pgfleet.yaml');
  const project = () => loadProject({ configPath: config });
  return {
    dir,
    config,
    project,
    async version(n, generated = true) {
      await writeFile(join(dir, 'schema', 'tenant', 'bookings.yaml'), TENANT[n]);
      if (generated) await generate(await project(), { allowDestructive: true });
    },
  };
}
