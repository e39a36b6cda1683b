import pg from 'pg';

/**
 * A pool of a fleet run's connections to `url`, at most `concurrency`. application_name lets a
 * DBA see (and tests find) pgfleet's connections in pg_stat_activity. A pooled connection that
 * the server drops (idle or in use) must not crash the process: the query running on it
 * fails, and that schema's result says so.
 */
export function fleetPool(url: string, concurrency: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: concurrency,
    connectionTimeoutMillis: 10_000,
    application_name: 'pgfleet',
  });
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}
