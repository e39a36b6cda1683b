import { rm } from 'node:fs/promises';
import type pg from 'pg';
import { expect } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { applyStatements } from '../../src/devdb/apply.js';
import type { DevDatabase } from '../../src/devdb/dev-database.js';
import { serverMajor } from '../../src/devdb/server-major.js';
import { diff } from '../../src/diff/diff.js';
import { canonicalise, type ScopedModels } from '../../src/inspect/canonicalise.js';
import { inspectSchema } from '../../src/inspect/index.js';
import { loadModel } from '../../src/load/index.js';
import { emptyModel } from '../../src/model/build.js';
import { stored } from '../../src/model/compare.js';
import type { Model } from '../../src/model/types.js';
import { plan } from '../../src/plan/plan.js';
import type { Plan, PlanStep } from '../../src/plan/types.js';
import { projectDir } from './project-dir.js';

/** A model written as one YAML document (scope by `scope:`, tenant by default). */
export async function modelsFromYaml(yamlText: string, extraShared = ''): Promise<ScopedModels> {
  const root = await projectDir({
    prefix: 'pgfleet-case-',
    files: {
      'schema/tenant/case.yaml': yamlText,
      ...(extraShared ? { 'schema/shared/shared.yaml': extraShared } : {}),
    },
  });
  try {
    // No pgfleet.yaml: every default, as a user's empty project has them.
    const config = await loadConfig({ cwd: root, env: {} });
    const { shared, tenant } = await loadModel(config);
    return { shared, tenant };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

export interface Fleetlet {
  readonly shared: string;
  readonly tenant: string;
}

async function inspectBoth(client: pg.ClientBase, where: Fleetlet): Promise<ScopedModels> {
  const options = { sharedSchema: where.shared };
  return {
    shared: await inspectSchema(client, where.shared, options),
    tenant: await inspectSchema(client, where.tenant, options),
  };
}

const plans = (from: ScopedModels, to: ScopedModels, where: Fleetlet, serverMajor: number, online = false) => ({
  shared: plan(diff(from.shared, to.shared, { serverMajor }), {
    scope: 'shared',
    sharedSchema: where.shared,
    serverMajor,
    online,
    before: from.shared,
  }),
  tenant: plan(diff(from.tenant, to.tenant, { serverMajor }), {
    scope: 'tenant',
    sharedSchema: where.shared,
    serverMajor,
    online,
    before: from.tenant,
  }),
});

/** Each step in a transaction of its own (or none), as `migrate` runs a migration's steps. */
async function applySteps(client: pg.ClientBase, steps: readonly PlanStep[], schemas: readonly string[]) {
  for (const step of steps) await applyStatements(client, step.statements, schemas);
}

async function applyUp(client: pg.ClientBase, p: { shared: Plan; tenant: Plan }, where: Fleetlet) {
  await applySteps(client, p.shared.steps.up, [where.shared]);
  await applySteps(client, p.tenant.steps.up, [where.tenant, where.shared]);
}

async function applyDown(client: pg.ClientBase, p: { shared: Plan; tenant: Plan }, where: Fleetlet) {
  await applyStatements(client, p.tenant.down, [where.tenant, where.shared]);
  await applyStatements(client, p.shared.down, [where.shared]);
}

export const expectSame = (actual: Model, expected: Model, what: string) =>
  expect(stored(actual), what).toEqual(stored(expected));

export interface ConvergenceResult {
  readonly from: ScopedModels;
  readonly to: ScopedModels;
  readonly plans: { shared: Plan; tenant: Plan };
  /** The major of the server the plans were made for. */
  readonly serverMajor: number;
}

let counter = 0;

/**
 * The convergence check of the design: apply `from`; plan from → to; apply up → the live
 * schemas equal `to`; re-plan → nothing; apply down → they equal `from` again; up again.
 * Runs in fresh schemas of `client`'s database.
 */
export async function converge(
  client: pg.ClientBase,
  dev: DevDatabase,
  rawFrom: ScopedModels,
  rawTo: ScopedModels,
  label = `c${counter}`,
  options: { online?: boolean } = {},
): Promise<ConvergenceResult> {
  const n = counter++;
  const where = { shared: `s${n}_${label}`.slice(0, 60), tenant: `t${n}_${label}`.slice(0, 60) };
  await client.query(`CREATE SCHEMA "${where.shared}"`);
  await client.query(`CREATE SCHEMA "${where.tenant}"`);
  const from = await canonicalise(rawFrom, dev, { sharedSchema: where.shared });
  const to = await canonicalise(rawTo, dev, { sharedSchema: where.shared });

  const major = await serverMajor(client);
  await applyUp(client, plans(emptyModel2(), from, where, major), where);
  const built = await inspectBoth(client, where);
  expectSame(built.shared, from.shared, 'from (shared) builds as canonicalised');
  expectSame(built.tenant, from.tenant, 'from (tenant) builds as canonicalised');

  const p = plans(from, to, where, major, options.online);
  if (options.online) await rollbackFromEveryStep(client, p.tenant, where, from.tenant);
  await applyUp(client, p, where);
  const up = await inspectBoth(client, where);
  expectSame(up.shared, to.shared, 'after up (shared)');
  expectSame(up.tenant, to.tenant, 'after up (tenant)');
  const again = plans(up, to, where, major, options.online);
  expect(
    again.shared.up.map((s) => s.sql),
    're-plan (shared) is empty',
  ).toEqual([]);
  expect(
    again.tenant.up.map((s) => s.sql),
    're-plan (tenant) is empty',
  ).toEqual([]);

  await applyDown(client, p, where);
  const down = await inspectBoth(client, where);
  expectSame(down.shared, from.shared, 'after down (shared)');
  expectSame(down.tenant, from.tenant, 'after down (tenant)');

  await applyUp(client, p, where);
  const upAgain = await inspectBoth(client, where);
  expectSame(upAgain.tenant, to.tenant, 'after up again (tenant)');

  await client.query(`DROP SCHEMA "${where.tenant}" CASCADE`);
  await client.query(`DROP SCHEMA "${where.shared}" CASCADE`);
  return { from, to, plans: p, serverMajor: major };
}

/**
 * `rollback` from inside a migration: after up steps 1..k (every k), the down steps that
 * undo 1..k give the state before it back.
 */
async function rollbackFromEveryStep(client: pg.ClientBase, p: Plan, where: Fleetlet, before: Model) {
  const schemas = [where.tenant, where.shared];
  for (let k = 1; k < p.steps.up.length; k++) {
    await applySteps(client, p.steps.up.slice(0, k), schemas);
    await applySteps(
      client,
      p.steps.down.filter((s) => (s.undoes ?? 1) <= k),
      schemas,
    );
    expectSame(
      await inspectSchema(client, where.tenant, { sharedSchema: where.shared }),
      before,
      `rolled back after up step ${k}`,
    );
  }
}

const emptyModel2 = (): ScopedModels => ({ shared: emptyModel(), tenant: emptyModel() });
