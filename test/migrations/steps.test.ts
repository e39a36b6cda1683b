import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checksum } from '../../src/migrations/checksum.js';
import { migrationSteps } from '../../src/migrations/migration-steps.js';
import { parseMigration } from '../../src/migrations/parse-migration.js';
import { renderMigration } from '../../src/migrations/render-migration.js';
import { tenantMigration } from '../fleet/tenant-migration.js';

const stepped = `-- pgfleet 0003_online_check
-- scope: tenant
-- hazards: validating c_positive scans t

-- +up
-- +step transaction: true
ALTER TABLE t ADD CONSTRAINT c_positive CHECK ((a > 0)) NOT VALID;

-- +step transaction: true
-- hazard validates: validating c_positive scans t (writes go on)
ALTER TABLE t VALIDATE CONSTRAINT c_positive;

-- +step transaction: false
-- hazard index_build: builds t_a_idx on t
CREATE INDEX CONCURRENTLY t_a_idx ON t (a);

-- +down
-- +step transaction: false undoes: 3
DROP INDEX CONCURRENTLY IF EXISTS t_a_idx;

-- +step transaction: true undoes: 2

-- +step transaction: true undoes: 1
ALTER TABLE t DROP CONSTRAINT c_positive;
`;

describe('migration steps', () => {
  it('reads steps, their modes, what they undo and the hazards above each statement', () => {
    const m = parseMigration(stepped, 'tenant/0003_online_check.sql');
    expect(m.transactional).toBe(false);
    expect(m.online).toBe(true);
    expect(m.steps?.up.map((s) => s.transactional)).toEqual([true, true, false]);
    expect(m.steps?.up[1].statements).toEqual([
      {
        sql: '-- hazard validates: validating c_positive scans t (writes go on)\nALTER TABLE t VALIDATE CONSTRAINT c_positive',
        hazards: [{ kind: 'validates', message: 'validating c_positive scans t (writes go on)' }],
      },
    ]);
    expect(m.steps?.up[2].statements[0].hazards.map((h) => h.kind)).toEqual(['index_build']);
    expect(m.steps?.down.map((s) => [s.transactional, s.undoes, s.statements.length])).toEqual([
      [false, 3, 1],
      [true, 2, 0],
      [true, 1, 1],
    ]);
  });

  it('renders a stepped draft without the transaction header, and reads it back', () => {
    const m = parseMigration(stepped, 'tenant/0003_online_check.sql');
    const text = renderMigration(m);
    expect(text).not.toContain('-- transaction:');
    expect(parseMigration(text, m.path).steps).toEqual(m.steps);
  });

  it('reads a file without step lines as one step in the header mode, hazards included', () => {
    const text = `-- pgfleet 0002_x
-- scope: tenant
-- transaction: false
-- hazards: none

-- +up
-- hazard blocks_writes: building i blocks writes to t
CREATE INDEX i ON t (a);
CREATE INDEX CONCURRENTLY j ON t (b);

-- +down
DROP INDEX j;
DROP INDEX i;
`;
    const m = parseMigration(text, 'tenant/0002_x.sql');
    expect(m.transactional).toBe(false);
    expect(m.steps?.up).toHaveLength(1);
    expect(m.steps?.up[0].transactional).toBe(false);
    expect(m.steps?.up[0].statements.map((s) => s.hazards.map((h) => h.kind))).toEqual([['blocks_writes'], []]);
    expect(m.steps?.down[0].undoes).toBeUndefined();
  });

  it('parses every file of the example project with the same checksum as before', () => {
    const dir = join(import.meta.dirname, '..', '..', 'generated');
    for (const scope of ['shared', 'tenant']) {
      // The SQL files written before steps existed (no step lines): code migrations are modules, not SQL.
      for (const file of readdirSync(join(dir, scope)).filter((f) => f.endsWith('.sql'))) {
        const text = readFileSync(join(dir, scope, file), 'utf8');
        if (text.includes('-- +step')) continue;
        const m = parseMigration(text, `${scope}/${file}`);
        expect(m.checksum).toBe(checksum(text));
        expect(m.steps?.up).toHaveLength(1);
      }
    }
    const concurrently = parseMigration(
      readFileSync(join(dir, 'tenant', '0002_initial_concurrently.sql'), 'utf8'),
      'tenant/0002_initial_concurrently.sql',
    );
    expect(concurrently.steps?.up[0].transactional).toBe(false);
  });

  it('refuses a bad step line, an unknown hazard kind, and a down step that undoes a step that is not there', () => {
    const bad =
      (up: string, down = '') =>
      () =>
        parseMigration(
          `-- pgfleet 0002_x\n-- scope: tenant\n-- hazards: none\n\n-- +up\n${up}\n\n-- +down\n${down}\n`,
          'tenant/0002_x.sql',
        );
    expect(bad('-- +step transaction: maybe\nSELECT 1;')).toThrow(/true or false/);
    expect(bad('-- +step mode: x\nSELECT 1;')).toThrow(/unknown step attribute "mode"/);
    expect(bad('-- +step transaction: true\n-- hazard explodes: x\nSELECT 1;')).toThrow(
      /unknown hazard kind "explodes"/,
    );
    expect(bad('-- +step transaction: true\nSELECT 1;', '-- +step transaction: true undoes: 4\nSELECT 2;')).toThrow(
      /undoes up step 4/,
    );
  });

  it('derives steps for a migration made in code', () => {
    const m = tenantMigration('0002', 'SELECT 1; SELECT 2;', 'SELECT 3;');
    expect(migrationSteps(m).up[0].statements.map((s) => s.sql)).toEqual(['SELECT 1', 'SELECT 2']);
    expect(migrationSteps(m).down[0].transactional).toBe(true);
  });
});
