import { describe, expect, it } from 'vitest';
import type { HistoryRow } from '../../src/fleet/history.js';
import { schemaState } from '../../src/fleet/pending.js';
import { planOf, selectionOf, statesOf, stepsBack, workOf } from '../../src/fleet/prepare.js';
import { sharedHasOf, triage } from '../../src/fleet/triage.js';
import type { Migration, MigrationSet } from '../../src/migrations/types.js';
import { tenantMigration } from './tenant-migration.js';

// Pure steps of a fleet run: no database.

const shared = (version: string, extra: Partial<Migration> = {}): Migration => ({
  ...tenantMigration(version, `CREATE TABLE s${version} ()`),
  scope: 'shared',
  path: `shared/${version}_m.sql`,
  ...extra,
});
const m1 = tenantMigration('0001', 'CREATE TABLE a ()', 'DROP TABLE a');
const m2 = tenantMigration('0002', 'CREATE TABLE b ()', 'DROP TABLE b');
const m3 = { ...tenantMigration('0003', 'CREATE TABLE c ()'), requires: { scope: 'shared', version: '0002' } } as const;
const set: MigrationSet = { shared: [shared('0001'), shared('0002')], tenant: [m1, m2, m3] };
const row = (schema: string, m: Migration, status: 'applied' | 'failed' = 'applied'): HistoryRow => ({
  schema,
  scope: m.scope,
  version: m.version,
  name: m.name,
  checksum: m.checksum,
  status,
  appliedAt: new Date(0),
  durationMs: 0,
  error: null,
});
const at = (schema: string, applied: Migration[]) =>
  schemaState(
    schema,
    'tenant',
    set.tenant,
    applied.map((m) => row(schema, m)),
  );

describe('prepare', () => {
  it('selects the shared schema, the tenants, or one schema', () => {
    expect(selectionOf('public', undefined)).toEqual({ shared: true, tenants: true });
    expect(selectionOf('public', { scope: 'shared' })).toEqual({ shared: true, tenants: false });
    expect(selectionOf('public', { scope: 'tenant' })).toEqual({ shared: false, tenants: true });
    expect(selectionOf('public', { schema: 'public' })).toEqual({ shared: true, tenants: false, one: 'public' });
    expect(selectionOf('public', { schema: 't1' })).toEqual({ shared: false, tenants: true, one: 't1' });
  });

  it('lists the shared schema first, then the tenants in order', () => {
    const history = new Map([['t2', [row('t2', m1)]]]);
    const states = statesOf('public', ['t1', 't2'], history, selectionOf('public', undefined), set, {
      direction: 'up',
    });
    expect(states.map((s) => [s.schema, s.scope, s.pending.map((m) => m.version)])).toEqual([
      ['public', 'shared', ['0001', '0002']],
      ['t1', 'tenant', ['0001', '0002', '0003']],
      ['t2', 'tenant', ['0002', '0003']],
    ]);
    const upTo = statesOf('public', ['t1'], history, { shared: false, tenants: true }, set, {
      direction: 'up',
      to: '0002',
    });
    expect(upTo[0].pending.map((m) => m.version)).toEqual(['0001', '0002']);
  });

  it('runs pending migrations up, and applied ones down newest first, to `to` or `steps` back from the directory', () => {
    const state = at('t', [m1, m2, m3]);
    expect(workOf(at('t', [m1]), { direction: 'up' }, set).map((m) => m.version)).toEqual(['0002', '0003']);
    expect(workOf(state, { direction: 'down', to: '0001' }, set).map((m) => m.version)).toEqual(['0003', '0002']);
    expect(workOf(state, { direction: 'down', steps: 1 }, set).map((m) => m.version)).toEqual(['0003']);
    // Steps count from the directory's latest, not the schema's: a schema behind (at 0002) is
    // already where `--steps 1` goes, and a rerun takes nobody further back.
    expect(workOf(at('t', [m1, m2]), { direction: 'down', steps: 1 }, set)).toEqual([]);
    expect(stepsBack(set.tenant, 3)).toBe('0');
    expect(planOf([state], { direction: 'down', steps: 2 }, set)).toEqual([
      { schema: 't', scope: 'tenant', migrations: ['0003_m', '0002_m'] },
    ]);
  });
});

describe('triage', () => {
  const existing = new Set(['t']);

  it('reports a schema with nothing to do as up to date, without a job', () => {
    expect(triage(at('t', [m1, m2, m3]), [], { existing })).toEqual({
      kind: 'done',
      result: { schema: 't', scope: 'tenant', status: 'up-to-date', migrations: [], ms: 0, attempts: 0 },
    });
  });

  it('runs a schema that has work and exists; its applied row replaces a failed attempt only when it has one', () => {
    expect(triage(at('t', [m1]), [m2], { existing })).toEqual({
      kind: 'run',
      job: { schema: 't', scope: 'tenant', migrations: [m2], replacesFailure: false },
    });
    const failedBefore = schemaState('t', 'tenant', set.tenant, [row('t', m1), row('t', m2, 'failed')]);
    expect(triage(failedBefore, [m2], { existing })).toEqual({
      kind: 'run',
      job: { schema: 't', scope: 'tenant', migrations: [m2] },
    });
  });

  it('fails a schema that does not exist, or whose history has a problem, before connecting', () => {
    const missing = triage(at('gone', []), [m1], { existing });
    expect(missing.kind === 'done' && missing.result.error?.message).toMatch(/schema "gone" does not exist/);
    const problem = { ...at('t', []), problems: ['half a squash'] };
    // A problem fails the schema even when nothing is pending.
    const r = triage(problem, [], { existing });
    expect(r.kind === 'done' && [r.result.status, r.result.error?.message]).toEqual(['failed', 'half a squash']);
  });

  it('fails a tenant whose migration requires a shared version the shared schema lacks, only when asked to check', () => {
    const r = triage(at('t', [m1, m2]), [m3], { existing, sharedHas: (v) => v === '0001' });
    expect(r.kind === 'done' && r.result.error).toEqual({
      migration: '0003_m',
      message:
        '0003_m requires shared 0002, which the shared schema has not applied; run `pgfleet migrate --shared` first',
    });
    expect(triage(at('t', [m1, m2]), [m3], { existing, sharedHas: () => true }).kind).toBe('run');
    // Going down (no sharedHas) requirements are not checked.
    expect(triage(at('t', [m1, m2]), [m3], { existing }).kind).toBe('run');
  });

  it('counts a shared version as applied directly or through the squash that replaced it', () => {
    const squash = shared('0005', { replaces: ['0001_m', '0002_m'] });
    const has = sharedHasOf([row('public', squash), row('public', shared('0003'), 'failed')], [squash]);
    expect([has('0001'), has('0002'), has('0005'), has('0003'), has('0004')]).toEqual([true, true, true, false, false]);
  });
});
