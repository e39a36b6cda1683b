import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { DevDatabase } from '../src/devdb/dev-database.js';
import { converge, modelsFromYaml } from './support/convergence.js';
import { serverUrl, type TestDatabase, testDatabase } from './support/db.js';
import { reusedScratch } from './support/reused-scratch.js';

/**
 * The golden convergence suite: each folder test/cases/<kind>/<case>/ holds `from.yaml` and
 * `to.yaml` (model documents, tenant scope unless they say `scope:`), an optional
 * `shared.yaml` present in both states, and an optional `expect.yaml` with the exact `up`
 * and `down` SQL of the tenant plan, the up statements that run outside a transaction
 * (`outsideTransaction`, none when absent), `sharedUp` and the hazard kinds; under
 * `belowPostgres<N>`, the ones that differ on servers older than N (the nearest N wins).
 * Every case runs both ways.
 */
const root = join(import.meta.dirname, 'cases');
const cases = readdirSync(root).flatMap((kind) =>
  readdirSync(join(root, kind)).map((name) => ({ kind, name, dir: join(root, kind, name) })),
);

interface Expectations {
  up?: string[];
  down?: string[];
  sharedUp?: string[];
  hazards?: string[];
  /** The tenant up statements that run outside a transaction (concurrent index builds, ...). */
  outsideTransaction?: string[];
  /** Plan with the online forms (the cases under online/ always do). */
  online?: boolean;
  /** The up statements of each step, for an online case: `[[sql, ...], ...]`. */
  steps?: string[][];
  /** What differs on servers older than 17 (16 and 15), 16 (15), ...: `belowPostgres17`. */
  [below: `belowPostgres${number}`]: Omit<Expectations, `belowPostgres${number}`> | undefined;
}

/** The expectations for a server of `major`: those of the nearest `belowPostgres<N>` above it win. */
function forMajor(all: Expectations, major: number): Expectations {
  const below = Object.keys(all)
    .flatMap((k) => {
      const n = /^belowPostgres(\d+)$/.exec(k)?.[1];
      return n !== undefined && major < Number(n) ? [Number(n)] : [];
    })
    .sort((a, b) => b - a);
  return Object.assign({}, all, ...below.map((n) => all[`belowPostgres${n}`]));
}

const read = (dir: string, file: string) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8') : '');

// Cases wait mostly on Postgres round trips, so a few run at once, each in a database of its
// own (an extension can be created once per database). A scratch database per
// canonicalisation would cost a CREATE DATABASE each; emptied ones are reused.
const WORKERS = 3;
const idle: TestDatabase[] = [];
const waiting: ((db: TestDatabase) => void)[] = [];
let dev: DevDatabase;
beforeAll(async () => {
  for (let i = 0; i < WORKERS; i++) idle.push(await testDatabase());
  dev = reusedScratch(serverUrl());
});
afterAll(async () => dev.close());

async function withDatabase<T>(f: (db: TestDatabase) => Promise<T>): Promise<T> {
  const db = idle.pop() ?? (await new Promise<TestDatabase>((resolve) => waiting.push(resolve)));
  try {
    return await f(db);
  } finally {
    const next = waiting.shift();
    if (next) next(db);
    else idle.push(db);
  }
}

describe.each([...new Set(cases.map((c) => c.kind))])('%s', (kind) => {
  it.concurrent.each(cases.filter((c) => c.kind === kind).map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const shared = read(c.dir, 'shared.yaml');
    const from = await modelsFromYaml(read(c.dir, 'from.yaml'), shared);
    const to = await modelsFromYaml(read(c.dir, 'to.yaml'), shared);
    const label = c.name.replace(/[^a-z0-9_]/g, '_').slice(0, 20);
    const all: Expectations = parse(read(c.dir, 'expect.yaml') || '{}') ?? {};
    const online = c.kind === 'online' || all.online === true;
    const result = await withDatabase((db) => converge(db.client, dev, from, to, label, { online }));
    const expected = forMajor(all, result.serverMajor);
    const tenant = result.plans.tenant;
    if (expected.up) expect(tenant.up.map((s) => s.sql)).toEqual(expected.up);
    if (expected.down) expect(tenant.down.map((s) => s.sql)).toEqual(expected.down);
    if (expected.sharedUp) expect(result.plans.shared.up.map((s) => s.sql)).toEqual(expected.sharedUp);
    if (expected.up) {
      const outside = tenant.up.filter((s) => !s.transactional).map((s) => s.sql);
      expect(outside, 'statements outside a transaction').toEqual(expected.outsideTransaction ?? []);
    }
    if (expected.steps) {
      expect(tenant.steps.up.map((s) => s.statements.map((st) => st.sql))).toEqual(expected.steps);
    }
    if (expected.hazards) {
      const kinds = [...new Set([...result.plans.shared.hazards, ...tenant.hazards].map((h) => h.kind))].sort();
      expect(kinds).toEqual([...expected.hazards].sort());
    }
    const statements = result.plans.shared.up.length + tenant.up.length;
    expect(statements, 'a case must change something').toBeGreaterThan(0);
  });
});
