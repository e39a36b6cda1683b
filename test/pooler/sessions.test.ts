import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, rollback } from '../../src/api/fleet.js';
import { loadProject } from '../../src/api/project.js';
import { PgfleetError } from '../../src/errors.js';
import { needsOwnSession } from '../../src/fleet/session-step.js';
import { runCli } from '../cli/run-cli.js';
import { appliedVersions, expectNothingLeft, poolerFleet, skipPooler } from './pooler-fleet.js';

describe('statements that cannot run in a transaction block', () => {
  it('are told apart from those that can', () => {
    for (const s of [
      'CREATE INDEX CONCURRENTLY i ON t (a)',
      '-- hazard index_build\nCREATE UNIQUE INDEX CONCURRENTLY i ON t (a)',
      'DROP INDEX CONCURRENTLY IF EXISTS i',
      'REINDEX INDEX CONCURRENTLY i',
      'ALTER TABLE p DETACH PARTITION c CONCURRENTLY',
      'vacuum analyze t',
      '/* maintenance */ VACUUM t',
    ])
      expect(needsOwnSession(s), s).toBe(true);
    for (const s of [
      'CREATE INDEX i ON t (a)',
      "UPDATE t SET a = 'vacuum'",
      'ALTER TYPE e ADD VALUE $$x$$',
      'COMMENT ON TABLE t IS NULL',
    ])
      expect(needsOwnSession(s), s).toBe(false);
  });
});

/**
 * directDatabase and the connection report through a real PgBouncer in transaction mode:
 * a concurrent index build needs a real session, which the pooler cannot give.
 */
describe.skipIf(skipPooler())('a concurrent index build behind PgBouncer', { timeout: 60_000 }, () => {
  const fleet = poolerFleet(4);
  const indexes = async () =>
    (
      await fleet().db.client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
          WHERE c.relname = 'services_service_name_idx' AND i.indisvalid`,
      )
    ).rows[0].n;

  it('without directDatabase: --plan says what it assumed and that the run would stop; the run stops before any schema is touched', async () => {
    const f = fleet();
    await f.upTo(3);
    expect((await migrate(await f.project())).summary.failed).toBe(0);
    await f.upTo(5);
    const before = await appliedVersions(f);

    const plan = await runCli(['migrate', '--plan', '--config', f.config], { cwd: f.dir });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(
      /^connection: postgres:\/\/pgfleet:\*\*\*@127\.0\.0\.1:\d+\/\S+ is PgBouncer, transaction pooling assumed \(it refused the startup option a Postgres server accepts \(unsupported startup parameter: options\)\); non-transactional steps run through the pooler/m,
    );
    expect(plan.stdout).toMatch(
      /✗ would stop: tenant\/0004_name_index\.sql runs `CREATE INDEX CONCURRENTLY services_service_name_idx ON services_service \(name\);?` outside a transaction, which needs a real session/,
    );
    expect(plan.stdout).toMatch(/4 schema\(s\): 0003_capacity_two, 0004_name_index/);

    const run = await migrate(await f.project()).catch((e: unknown) => e);
    expect(run).toBeInstanceOf(PgfleetError);
    // 'input': exit 2 from the CLI.
    expect((run as PgfleetError).code).toBe('input');
    expect((run as Error).message).toMatch(/tenant\/0004_name_index\.sql runs `CREATE INDEX CONCURRENTLY/);
    expect((run as Error).message).toMatch(/is a PgBouncer .*no directDatabase; nothing was run/);
    expect((run as PgfleetError).hint).toMatch(/directDatabase: postgres:\/\//);
    // Not even the transactional step before it ran.
    expect(await appliedVersions(f)).toEqual(before);
    expect(await indexes()).toBe(0);
    await expectNothingLeft(f);
  });

  it('refuses a directDatabase that is the pooler too', async () => {
    const f = fleet();
    await f.configure(`directDatabase: ${f.pooledUrl}\n`);
    const r = await migrate(await f.project()).catch((e: unknown) => e);
    expect(r).toBeInstanceOf(PgfleetError);
    expect((r as PgfleetError).code).toBe('input');
    expect((r as Error).message).toMatch(/directDatabase .* does not reach Postgres itself/);
    expect(await indexes()).toBe(0);
  });

  it('with directDatabase: runs the build there and everything else through the pooler, both ways', async () => {
    const f = fleet();
    await f.configure(`directDatabase: ${f.directUrl}\n`);
    const plan = await migrate(await f.project(), { planOnly: true });
    expect(plan.connection).toEqual([
      expect.objectContaining({ kind: 'pgbouncer', nonTransactionalSteps: 'directDatabase', wouldStop: null }),
    ]);
    const r = await migrate(await f.project());
    expect(r.summary).toMatchObject({ applied: 4, failed: 0 });
    expect(await indexes()).toBe(4);
    await expectNothingLeft(f);
    const back = await rollback(await f.project(), { only: { scope: 'tenant' }, steps: 1 });
    expect(back.summary).toMatchObject({ applied: 4, failed: 0 });
    expect(await indexes()).toBe(0);
    await expectNothingLeft(f);
  });

  it('straight to Postgres (no pooler), the connection itself is a session', async () => {
    const f = fleet();
    await f.configure();
    const project = await loadProject({ configPath: join(f.dir, 'pgfleet.yaml'), databaseUrl: f.directUrl });
    const plan = await migrate(project, { planOnly: true });
    expect(plan.connection).toEqual([
      expect.objectContaining({
        kind: 'postgres',
        assumed: 'session',
        nonTransactionalSteps: 'database',
        wouldStop: null,
      }),
    ]);
    expect((await migrate(project)).summary).toMatchObject({ applied: 4, failed: 0 });
    expect(await indexes()).toBe(4);
  });
});
