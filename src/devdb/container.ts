import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { ContainerRuntimeClient, StartedTestContainer } from 'testcontainers';
import { PgfleetError } from '../errors.js';
import { dockerHostProblem } from './docker-host.js';
import { freePort } from './embedded.js';
import { scratchArgs } from './scratch-settings.js';
import { stopOnSignal } from './stop-on-signal.js';

/** `devDatabase: docker:IMAGE` (and `TEST_DATABASE=docker:IMAGE`): the image, else null. */
export function dockerImage(spec: string): string | null {
  return spec.startsWith('docker:') && spec.length > 'docker:'.length ? spec.slice('docker:'.length) : null;
}

/** A Postgres server in a throw-away container that this process owns. */
export interface ContainerServer {
  readonly url: string;
  readonly image: string;
  /** The container's name, `pgfleet-dev-<pid>-<random>`. */
  readonly name: string;
  /** Stop and remove the container (with its anonymous volumes); safe to call twice. */
  stop(): Promise<void>;
}

export interface StartContainerOptions {
  /** Where the image was named, for messages: `devDatabase in pgfleet.yaml` by default. */
  readonly setting?: string;
  /** How long Postgres may take to accept connections (default 120 s: initdb runs at start). */
  readonly startupMs?: number;
}

/** Every container pgfleet starts carries these, so that orphans can be found and removed. */
export const LABEL = 'org.pgfleet.dev-database';
const LABEL_OWNER = 'org.pgfleet.owner';
const USER = 'pgfleet';
/** The official images' default data directory up to Postgres 17 (their VOLUME). */
const PGDATA = '/var/lib/postgresql/data';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const alternatives = (setting: string) =>
  `start Docker (\`dockerd\`, or Docker Desktop), or change ${setting}: \`embedded\` (the default: ` +
  'a private Postgres 17 with the contrib extensions) or the postgres:// URL of a server with the extensions the model needs';

/**
 * Start a throw-away Postgres container of `image` through testcontainers, on the host's
 * network with Postgres on a free loopback port, and wait until it accepts connections.
 *
 * The image is started as the official `postgres` images are (`POSTGRES_USER`,
 * `POSTGRES_PASSWORD`, `postgres ARG...`), so `postgres:17`, `postgis/postgis:17-3.5` and the
 * locally built test image (scripts/docker/build-image.sh) all work. Host networking, not a
 * mapped port: it needs no Docker bridge (our machines run dockerd without one) and the
 * server is reachable on 127.0.0.1 only.
 *
 * The container is removed by `stop()`, on SIGINT/SIGTERM/SIGHUP before the process
 * ends, and, when the process was killed outright, by the next start on this host (the
 * containers are labelled with their owner's pid). testcontainers' own reaper (Ryuk) is
 * off unless TESTCONTAINERS_RYUK_DISABLED says otherwise: it is an image of its own, pulled
 * from a registry that a machine building its images locally cannot reach.
 *
 * @example
 * const server = await startContainer('postgis/postgis:17-3.5');
 * try { ... server.url ... } finally { await server.stop(); }
 */
export async function startContainer(image: string, options: StartContainerOptions = {}): Promise<ContainerServer> {
  const setting = options.setting ?? '`devDatabase` in pgfleet.yaml';
  const hostProblem = await dockerHostProblem();
  if (hostProblem) {
    throw new PgfleetError('input', `${setting} asks for a Docker container (${image}), but ${hostProblem}`, {
      hint: alternatives(setting),
    });
  }
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  // With host networking the server is on this machine's loopback. Without the override,
  // testcontainers run inside a container looks for the Docker bridge's gateway as "the
  // host", and fails where dockerd runs without a bridge (--bridge=none, as on our machines).
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
  const tc = await import('testcontainers');
  let client: ContainerRuntimeClient;
  try {
    client = await tc.getContainerRuntimeClient();
  } catch (cause) {
    throw new PgfleetError(
      'input',
      `${setting} asks for a Docker container (${image}), but no Docker is running here: ${(cause as Error).message}`,
      { hint: alternatives(setting), cause },
    );
  }
  const docker = client.container.dockerode;
  await removeOrphans(docker);

  const startupMs = options.startupMs ?? 120_000;
  let lastError: unknown;
  // Another process may take the free port before Postgres binds it: then try another one.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const password = randomBytes(12).toString('hex');
    const name = `pgfleet-dev-${process.pid}-${randomBytes(4).toString('hex')}`;
    const remove = () =>
      docker
        .getContainer(name)
        .remove({ force: true, v: true })
        .catch(() => {});
    // Registered before the container exists: a Ctrl-C while it starts removes it too.
    const unregister = stopOnSignal(remove);
    let started: StartedTestContainer | null = null;
    try {
      started = await new tc.GenericContainer(image)
        .withName(name)
        .withNetworkMode('host')
        .withLabels({ [LABEL]: 'true', [LABEL_OWNER]: `${hostname()}:${process.pid}` })
        .withEnvironment({ POSTGRES_USER: USER, POSTGRES_PASSWORD: password, PGDATA })
        // In memory: a scratch cluster needs no disk, and removing the container is then ~5x
        // faster (no overlay layer of initdb's files to delete, no anonymous volume).
        .withTmpFs({ [PGDATA]: 'rw' })
        .withCommand(['postgres', '-p', String(port), '-c', 'listen_addresses=127.0.0.1', ...scratchArgs()])
        .start();
      const url = `postgres://${USER}:${password}@127.0.0.1:${port}/postgres`;
      await waitUntilReady(url, started, startupMs);
      let stopping: Promise<void> | null = null;
      const server = started;
      return {
        url,
        image,
        name,
        stop() {
          stopping ??= (async () => {
            await server.stop({ remove: true, removeVolumes: true, timeout: 0 }).catch(remove);
            unregister();
          })();
          return stopping;
        },
      };
    } catch (error) {
      await remove();
      unregister();
      lastError = error;
      if (!(error instanceof PortTaken)) break;
    }
  }
  if (lastError instanceof PgfleetError) throw lastError;
  throw new PgfleetError(
    'input',
    `${setting}: could not start a container of ${image}: ${(lastError as Error).message}`,
    {
      hint: `check the image name (\`docker image ls\`; scripts/docker/build-image.sh builds pgfleet's PostGIS test image), or ${alternatives(setting)}`,
      cause: lastError,
    },
  );
}

class PortTaken extends Error {}

/** Poll until Postgres answers `SELECT 1` on `url`; fail early, with its log, when the container exits. */
async function waitUntilReady(url: string, container: StartedTestContainer, timeoutMs: number): Promise<void> {
  const pg = (await import('pg')).default;
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (let i = 0; ; i++) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => {});
      last = (error as Error).message;
    }
    // Every second: is the container still running? (A bad image or a taken port ends it.)
    if (i % 10 === 9 || Date.now() > deadline) {
      const state = await container.exec(['true']).then(
        () => 'running',
        () => 'exited',
      );
      if (state === 'exited' || Date.now() > deadline) {
        const log = await containerLog(container);
        if (/address already in use/i.test(log)) throw new PortTaken(log);
        throw new Error(
          `${state === 'exited' ? 'the container exited' : `Postgres did not accept connections within ${timeoutMs / 1000} s`} (last: ${last}); its log ends: ${log.trim().split('\n').slice(-5).join(' | ')}`,
        );
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function containerLog(container: StartedTestContainer): Promise<string> {
  try {
    const stream = await container.logs();
    let text = '';
    await new Promise<void>((resolve) => {
      stream.on('data', (d: Buffer | string) => {
        text += d.toString();
      });
      stream.on('end', () => resolve());
      stream.on('error', () => resolve());
      // The stream follows a running container: read what is there, then let go.
      setTimeout(resolve, 1_000);
    });
    stream.destroy();
    return text;
  } catch {
    return '';
  }
}

/** Containers of pgfleet processes of this host that died without removing them (killed with SIGKILL). */
async function removeOrphans(docker: ContainerRuntimeClient['container']['dockerode']): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: { label: [LABEL] } }).catch(() => []);
  for (const c of containers) {
    const [host, pid] = (c.Labels[LABEL_OWNER] ?? '').split(':');
    if (host !== hostname() || !pid || alive(Number(pid))) continue;
    await docker
      .getContainer(c.Id)
      .remove({ force: true, v: true })
      .catch(() => {});
  }
}
