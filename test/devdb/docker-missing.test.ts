import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerHostProblem } from '../../src/devdb/docker-host.js';
import { runCli } from '../cli/run-cli.js';
import { projectDir } from '../support/project-dir.js';

/**
 * `devDatabase: docker:IMAGE` on a machine without Docker: exit 2 naming the setting and the
 * alternatives, before anything starts. Needs no Docker (the Docker lane, test/docker/,
 * covers the containers themselves).
 */
async function dockerProject(): Promise<string> {
  return projectDir({
    prefix: 'pgfleet-nodocker-',
    devDatabase: 'docker:postgis/postgis:17-3.5',
    files: {
      'schema/shared/places.yaml':
        'extensions: [postgis]\ntables:\n  places:\n    columns:\n      id: { type: bigint }\n      at: { type: geometry(Point, 4326) }\n    primaryKey: [id]\n',
    },
  });
}

const deadSocket = join(tmpdir(), `pgfleet-no-docker-${process.pid}.sock`);

/** Does a Docker daemon answer on the default socket? (Then the second case cannot be shown here.) */
const defaultDockerAnswers = await new Promise<boolean>((resolve) => {
  if (!existsSync('/var/run/docker.sock')) return resolve(false);
  const req = request({ socketPath: '/var/run/docker.sock', path: '/_ping', timeout: 2_000 }, (res) => {
    res.resume();
    resolve(res.statusCode === 200);
  });
  req.on('error', () => resolve(false));
  req.on('timeout', () => req.destroy());
  req.end();
});

describe('devDatabase: docker:IMAGE without Docker', () => {
  it('pgfleet validate exits 2 naming the setting and the alternatives, before anything starts', async () => {
    const started = Date.now();
    const r = await runCli(['validate'], { cwd: await dockerProject(), env: { DOCKER_HOST: `unix://${deadSocket}` } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/`devDatabase` in pgfleet\.yaml asks for a Docker container \(postgis\/postgis:17-3\.5\)/);
    expect(r.stderr).toMatch(/no Docker daemon answers at DOCKER_HOST=unix:\/\/.*pgfleet-no-docker/);
    expect(r.stderr).toMatch(/`embedded`/);
    expect(r.stderr).toMatch(/postgres:\/\/ URL/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('pgfleet generate --check --json: the same error as JSON, exit 2', async () => {
    const r = await runCli(['generate', '--check', '--json'], {
      cwd: await dockerProject(),
      env: { DOCKER_HOST: `unix://${deadSocket}` },
    });
    expect(r.code).toBe(2);
    const error = JSON.parse(r.stdout).error;
    expect(error).toMatchObject({ code: 'input', exitCode: 2 });
    expect(error.message).toMatch(/`devDatabase` in pgfleet\.yaml asks for a Docker container/);
    expect(error.hint).toMatch(/`embedded`.*postgres:\/\/ URL/);
  });

  it.skipIf(defaultDockerAnswers)(
    'without DOCKER_HOST, when no daemon runs, testcontainers finds none: exit 2',
    async () => {
      const home = await mkdtemp(join(tmpdir(), 'pgfleet-nodocker-home-'));
      const r = await runCli(['validate'], {
        cwd: await dockerProject(),
        env: { DOCKER_HOST: '', HOME: home, XDG_RUNTIME_DIR: home },
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /asks for a Docker container \(postgis\/postgis:17-3\.5\), but no Docker is running here/,
      );
      expect(r.stderr).toMatch(/`embedded`/);
    },
  );

  it('a DOCKER_HOST that refuses connections is named; an unset one is left to testcontainers', async () => {
    expect(await dockerHostProblem({ DOCKER_HOST: 'tcp://127.0.0.1:1' })).toMatch(
      /no Docker daemon answers at DOCKER_HOST=tcp:\/\/127\.0\.0\.1:1 \(.*ECONNREFUSED/,
    );
    expect(await dockerHostProblem({})).toBeNull();
    expect(await dockerHostProblem({ DOCKER_HOST: 'ssh://user@host' })).toBeNull();
  });
});
