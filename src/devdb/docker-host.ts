import { request } from 'node:http';

/**
 * When DOCKER_HOST is set, is a Docker daemon answering there? A sentence saying why not,
 * or null (also for DOCKER_HOST unset, or a scheme this check does not speak: ssh://, TLS).
 *
 * Why not leave it to testcontainers: when DOCKER_HOST does not answer, it silently falls
 * back to /var/run/docker.sock, which may be another daemon. pgfleet does what the docker
 * CLI does: DOCKER_HOST, when set, is the only daemon asked.
 */
export async function dockerHostProblem(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const host = env.DOCKER_HOST;
  if (!host) return null;
  let target: { socketPath: string } | { host: string; port: number };
  try {
    const u = new URL(host);
    if (u.protocol === 'unix:') target = { socketPath: u.pathname };
    else if ((u.protocol === 'tcp:' || u.protocol === 'http:') && env.DOCKER_TLS_VERIFY !== '1')
      target = { host: u.hostname, port: Number(u.port || 2375) };
    else return null;
  } catch {
    return `DOCKER_HOST=${host} is not a URL`;
  }
  return new Promise((resolve) => {
    const req = request({ ...target, path: '/_ping', method: 'GET', timeout: 5_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? null : `the Docker daemon at DOCKER_HOST=${host} answered ${res.statusCode}`);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', (error) => resolve(`no Docker daemon answers at DOCKER_HOST=${host} (${error.message})`));
    req.end();
  });
}
