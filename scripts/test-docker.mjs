#!/usr/bin/env node
// The Docker lane: `npm run test:docker` (`-- --skip-if-unavailable --skip-build` in .ci/run).
//  1. installs Debian's docker.io and mmdebstrap when dockerd or mmdebstrap is missing (as root);
//  2. starts dockerd (host networking only: --bridge=none --iptables=false) when no daemon
//     answers, and stops it again at the end;
//  3. builds the PostGIS test image from Debian packages when its tag is absent
//     (scripts/docker/build-image.sh; PGFLEET_DOCKER_IMAGE names another image to use);
//  4. builds pgfleet (unless --skip-build: `npm test` just did) and runs test/docker/ with
//     TEST_DATABASE=docker:IMAGE.
// With --skip-if-unavailable, a machine where Docker cannot be had (no root, no package,
// dockerd will not start, the image cannot be built) skips the lane with a message and exit 0;
// failing tests still fail it.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { openSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const skipIfUnavailable = process.argv.includes('--skip-if-unavailable');
const skipBuild = process.argv.includes('--skip-build');
const image = process.env.PGFLEET_DOCKER_IMAGE || 'pgfleet-test/postgis:15-3';
const socket = '/var/run/docker.sock';
const times = [];
let dockerd = null;

const seconds = (start) => `${((Date.now() - start) / 1000).toFixed(1)} s`;
const step = async (name, work) => {
  const start = Date.now();
  console.log(`\n=== ${name}`);
  const result = await work();
  times.push(`${name}: ${seconds(start)}`);
  return result;
};

class Unavailable extends Error {}

const onPath = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

function ping() {
  return new Promise((resolve) => {
    const req = request({ socketPath: socket, path: '/_ping', timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

function run(command, args, options = {}) {
  const r = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  return r.status === 0;
}

async function ensurePackages() {
  const missing = ['dockerd', 'mmdebstrap'].filter((c) => !onPath(c));
  if (missing.length === 0) return 'present';
  if (process.getuid?.() !== 0) throw new Unavailable(`${missing.join(' and ')} missing, and installing them needs root`);
  const ok =
    run('apt-get', ['update', '-q']) &&
    run('apt-get', ['install', '-y', '-q', '-o', 'DPkg::Lock::Timeout=600', 'docker.io', 'mmdebstrap'], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  if (!ok) throw new Unavailable('apt-get could not install docker.io and mmdebstrap');
  return `installed ${missing.join(', ')}`;
}

async function ensureDaemon() {
  if (process.env.DOCKER_HOST) return `using DOCKER_HOST=${process.env.DOCKER_HOST}`;
  if (await ping()) return 'already running';
  if (process.getuid?.() !== 0) throw new Unavailable('no Docker daemon answers, and starting dockerd needs root');
  const log = join(tmpdir(), 'pgfleet-dockerd.log');
  const out = openSync(log, 'a');
  // No bridge and no iptables rules: pgfleet's containers use the host's network.
  dockerd = spawn('dockerd', ['--bridge=none', '--iptables=false'], { stdio: ['ignore', out, out], detached: true });
  const deadline = Date.now() + 60_000;
  while (!(await ping())) {
    if (dockerd.exitCode !== null || Date.now() > deadline) {
      await stopDaemon();
      throw new Unavailable(`dockerd did not start (see ${log})`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return `started dockerd (pid ${dockerd.pid}, log ${log})`;
}

/** Stop the dockerd this script started (none other), and wait for it to exit. */
async function stopDaemon() {
  if (!dockerd || dockerd.exitCode !== null) return;
  const exited = new Promise((resolve) => dockerd.once('exit', resolve));
  try {
    process.kill(dockerd.pid, 'SIGTERM');
  } catch {
    return;
  }
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
}

async function ensureImage() {
  if (spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore' }).status === 0) return 'cached';
  if (image !== 'pgfleet-test/postgis:15-3' && !process.env.PGFLEET_BUILD_IMAGE) {
    throw new Unavailable(`image ${image} is not present (docker pull it, or unset PGFLEET_DOCKER_IMAGE)`);
  }
  if (!run('bash', [join(root, 'scripts', 'docker', 'build-image.sh'), image])) {
    throw new Unavailable(`could not build ${image} (scripts/docker/build-image.sh)`);
  }
  return 'built';
}

const started = Date.now();
let code = 0;
try {
  try {
    console.log(`packages: ${await step('packages', ensurePackages)}`);
    console.log(`docker: ${await step('dockerd', ensureDaemon)}`);
    console.log(`image ${image}: ${await step('image', ensureImage)}`);
  } catch (error) {
    if (!(error instanceof Unavailable)) throw error;
    if (!skipIfUnavailable) {
      console.error(`docker lane: ${error.message}`);
      code = 2;
    } else {
      console.log(`docker lane skipped: ${error.message}`);
    }
  }
  if (code === 0 && times.length === 3) {
    if (!skipBuild) {
      await step('build', () => execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' }));
    }
    const ok = await step('vitest (test/docker)', () =>
      run('npx', ['vitest', 'run', '--config', 'vitest.docker.config.ts'], {
        env: { ...process.env, TEST_DATABASE: `docker:${image}`, TEST_DATABASE_URL: '' },
      }),
    );
    if (!ok) code = 1;
  }
} finally {
  await stopDaemon();
}
console.log(`\n${times.join('\n')}\ndocker lane: ${code === 0 ? 'done' : 'failed'} in ${seconds(started)}`);
process.exit(code);
