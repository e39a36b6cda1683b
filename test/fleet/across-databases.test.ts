import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/config.js';
import { acrossDatabases } from '../../src/fleet/databases.js';

// Two databases nobody listens on (port 1 refuses at once): each becomes one failed entry.
const project = {
  config: {
    shared: { schema: 'public' },
    databases: [
      { url: 'postgres://u@127.0.0.1:1/a', tenants: {} },
      { url: 'postgres://u@127.0.0.1:1/b', tenants: {} },
    ],
  } as unknown as Config,
};
const never = () => Promise.reject(new Error('no database can be reached'));

describe('a run across databases, one of which cannot be reached', () => {
  it('reports the failed database in the direction of the run, naming the schema asked for', async () => {
    const down = await acrossDatabases(project, 1, { direction: 'down', only: { schema: 'tenant_a' } }, never);
    expect(down.direction).toBe('down');
    expect(down.results.map((r) => [r.database, r.schema, r.scope, r.status])).toEqual([
      ['postgres://u@127.0.0.1:1/a', 'tenant_a', 'tenant', 'failed'],
      ['postgres://u@127.0.0.1:1/b', 'tenant_a', 'tenant', 'failed'],
    ]);
    const shared = await acrossDatabases(project, 1, { direction: 'up', only: { scope: 'shared' } }, never);
    expect(shared.results.map((r) => [r.schema, r.scope])).toEqual([
      ['public', 'shared'],
      ['public', 'shared'],
    ]);
    // The whole fleet of a database: every schema of it.
    const all = await acrossDatabases(project, 1, { direction: 'down' }, never);
    expect(all.direction).toBe('down');
    expect(all.results.map((r) => r.schema)).toEqual(['*', '*']);
    expect(all.summary.failed).toBe(2);
  });
});
