import { type ChildProcess, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getContainerRuntimeClient } from 'testcontainers';
import { beforeAll, describe, expect, it } from 'vitest';
import { dockerImage, LABEL } from '../../src/devdb/container.js';
import { runCli } from '../cli/run-cli.js';
import { type TestDatabase, testDatabase } from '../support/db.js';

/**
 * The Docker lane (`npm run test:docker`): a PostGIS model end to end with
 * `devDatabase: docker:IMAGE`. Every CLI command below starts its own throw-away container
 * for the dev database; the fleet lives on the suite's own container (TEST_DATABASE).
 */
const image = dockerImage(process.env.TEST_DATABASE ?? '');
if (!image) throw new Error('run this file with `npm run test:docker` (it sets TEST_DATABASE=docker:IMAGE)');

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'run.js');

const SHARED = `extensions: [postgis]
tables:
  regions:
    columns:
      id:   { type: bigint, identity: always }
      name: { type: text }
      area: { type: geometry(MultiPolygon, 4326), nullable: true }
    primaryKey: [id]
    indexes:
      regions_area_idx: { columns: [area], method: gist }
`;

const TENANT = `tables:
  places:
    columns:
      id:       { type: bigint, identity: always }
      name:     { type: text }
      location: { type: geometry(Point, 4326) }
      route:    { type: geometry(LineString, 4326), nullable: true }
    primaryKey: [id]
    indexes:
      places_location_idx: { columns: [location], method: gist }
`;

/** Ids of pgfleet's dev containers now on this host (the suite's own included). */
async function devContainers(): Promise<string[]> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const list = await docker.listContainers({ all: true, filters: { label: [LABEL] } });
  return list.map((c) => c.Id).sort();
}

let db: TestDatabase;
let dir: string;
let before: string[];

async function project(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'pgfleet-docker-'));
  await writeFile(
    join(d, 'pgfleet.yaml'),
    `devDatabase: docker:${image}\ndatabase: ${db.url}\ntenants:\n  match: 'tenant%'\n`,
  );
  await mkdir(join(d, 'schema', 'shared'), { recursive: true });
  await mkdir(join(d, 'schema', 'tenant'), { recursive: true });
  await writeFile(join(d, 'schema', 'shared', 'geo.yaml'), SHARED);
  await writeFile(join(d, 'schema', 'tenant', 'places.yaml'), TENANT);
  return d;
}

/** Run the CLI and check that it left no container behind. */
async function cli(args: string[], cwd = dir) {
  const r = await runCli(args, { cwd });
  expect(await devContainers(), `containers after ${args.join(' ')}`).toEqual(before);
  return r;
}

beforeAll(async () => {
  db = await testDatabase();
  dir = await project();
  before = await devContainers();
});

describe(`a PostGIS model on docker:${image}`, () => {
  it('generate writes the migrations, verified down/up in a container, and removes it', async () => {
    const r = await cli(['generate', '--name', 'initial']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const shared = await readFile(join(dir, 'generated', 'shared', '0001_initial.sql'), 'utf8');
    expect(shared).toMatch(/CREATE EXTENSION IF NOT EXISTS postgis|CREATE EXTENSION postgis/);
    expect(shared).toMatch(/geometry\(MultiPolygon,\s*4326\)/);
    expect(shared).toMatch(/USING gist \(area\)/);
    const tenant = await readFile(join(dir, 'generated', 'tenant', '0001_initial.sql'), 'utf8');
    expect(tenant).toMatch(/geometry\(Point,\s*4326\)/);
    expect(tenant).toMatch(/CREATE INDEX places_location_idx ON places USING gist \(location\)/);
    expect((await cli(['generate', '--check'])).code).toBe(0);
  });

  it('migrates a fleet on the suite container; the GiST index answers spatial queries', async () => {
    expect((await cli(['migrate'])).code).toBe(0);
    for (const t of ['tenant_a', 'tenant_b']) expect((await cli(['tenant', 'create', t])).code).toBe(0);
    await db.client.query(
      "INSERT INTO tenant_a.places (name, location) VALUES ('office', public.ST_SetSRID(public.ST_MakePoint(4.9, 52.37), 4326))",
    );
    const { rows } = await db.client.query(
      `SELECT name FROM tenant_a.places
        WHERE public.ST_DWithin(location, public.ST_SetSRID(public.ST_MakePoint(4.9, 52.37), 4326), 0.01)`,
    );
    expect(rows).toEqual([{ name: 'office' }]);
    const status = await cli(['status', '--json']);
    expect(status.code).toBe(0);
  });

  it('drift is clean, against the history and against the model', async () => {
    for (const against of ['history', 'model']) {
      const r = await cli(['drift', '--against', against, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ clean: true });
    }
  });

  it('pull round-trips: the pulled model generates nothing new and diffs clean', async () => {
    const pulled = await mkdtemp(join(tmpdir(), 'pgfleet-docker-pull-'));
    await writeFile(
      join(pulled, 'pgfleet.yaml'),
      `devDatabase: docker:${image}\ndatabase: ${db.url}\ntenants:\n  match: 'tenant%'\n`,
    );
    const p = await cli(['pull'], pulled);
    expect(p.stderr).toBe('');
    expect(p.code).toBe(0);
    const text = (
      await Promise.all(
        ['shared', 'tenant'].map(async (scope) =>
          Promise.all(
            (
              await readdir(join(pulled, 'schema', scope))
            ).map((f) => readFile(join(pulled, 'schema', scope, f), 'utf8')),
          ),
        ),
      )
    )
      .flat()
      .join('\n');
    expect(text).toMatch(/postgis/);
    expect(text).toMatch(/geometry\(Point,\s*4326\)/);
    expect(text).toMatch(/method: gist/);
    await cp(join(dir, 'generated'), join(pulled, 'generated'), { recursive: true });
    const check = await cli(['generate', '--check'], pulled);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    for (const schema of ['public', 'tenant_b']) {
      const diff = await cli(['diff', '--schema', schema, '--json'], pulled);
      expect(diff.code, diff.stderr).toBe(0);
      expect(JSON.parse(diff.stdout), schema).toMatchObject({ schema, exists: true, up: [] });
    }
  });
});

describe('no container is left behind', () => {
  /** Start the CLI, wait until its dev container exists, return both. */
  async function startedCli(args: string[]): Promise<{ child: ChildProcess; exit: Promise<NodeJS.Signals | number> }> {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: 'ignore' });
    const exit = new Promise<NodeJS.Signals | number>((resolve) =>
      child.on('exit', (code, signal) => resolve(signal ?? code ?? -1)),
    );
    const deadline = Date.now() + 120_000;
    while ((await devContainers()).length <= before.length) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error('the CLI started no container');
      await new Promise((r) => setTimeout(r, 100));
    }
    return { child, exit };
  }

  it('when the model is wrong (exit 2)', async () => {
    const bad = await project();
    await writeFile(
      join(bad, 'schema', 'tenant', 'bad.yaml'),
      'tables:\n  t:\n    columns:\n      g: { type: geometri(Point, 4326) }\n',
    );
    const r = await cli(['validate'], bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/geometri/);
  });

  it('on Ctrl-C (SIGINT) and SIGTERM', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const { child, exit } = await startedCli(['generate', '--check']);
      child.kill(signal);
      expect(await exit).toBe(signal);
      expect(await devContainers(), signal).toEqual(before);
    }
  });

  it('when the process is killed outright, the next run removes its container', async () => {
    const { child, exit } = await startedCli(['validate']);
    child.kill('SIGKILL');
    await exit;
    expect((await devContainers()).length).toBe(before.length + 1);
    expect((await cli(['validate'])).code).toBe(0);
  });
});
