import { describe, expect, it } from 'vitest';
import type { MigrateResult } from '../../src/api/fleet.js';
import type { DriftResult } from '../../src/drift/types.js';
import type { PreflightResult } from '../../src/fleet/preflight/run-preflight.js';
import { cell, driftMarkdown, planMarkdown, preflightMarkdown } from '../../src/ui/markdown.js';

describe('--format markdown', () => {
  it('escapes what comes from the database so a tenant name cannot break a table or add markup', () => {
    expect(cell('a|b')).toBe('a\\|b');
    expect(cell('<img src=x>')).toBe('\\<img src=x\\>');
    expect(cell('x"; DROP SCHEMA public CASCADE; --\nnext')).toBe('x"; DROP SCHEMA public CASCADE; -- next');
    expect(cell('tenant_a')).toBe('tenant\\_a');
  });

  it('a preflight: a table of every failing tenant, the unchecked statements collapsed', () => {
    const p: PreflightResult = {
      schemas: 60,
      checks: 2,
      failures: [
        {
          schema: 't|1',
          scope: 'tenant',
          migration: '0004_x',
          kind: 'unique',
          table: 's',
          constraint: 's_name_key',
          rows: 2,
          examples: ['a'],
        },
      ],
      errors: [],
      unchecked: [{ migration: '0004_x', statement: 'DO $$ ... $$', reason: 'not a statement form preflight knows' }],
      ms: 5,
    };
    const md = preflightMarkdown(p);
    expect(md).toContain('❌ 1 of 60 schemas would fail.');
    expect(md).toContain('| t\\|1 | `0004_x` | s\\_name\\_key | 2 | a |');
    expect(md).toContain('<details><summary>1 statement not checked</summary>');
    expect(preflightMarkdown({ ...p, failures: [], unchecked: [] })).toContain(
      '✅ 60 schemas with pending migrations, 2 data checks: none would fail.',
    );
  });

  it('a plan with waves: a row per wave, hazards listed', () => {
    const r: MigrateResult = {
      direction: 'up',
      results: [],
      plan: [{ schema: 'public', scope: 'shared', migrations: [] }],
      summary: { schemas: 1, applied: 0, upToDate: 0, failed: 0, locked: 0, skipped: 0, invalidNames: [] },
      hazards: { '0004_x': ['drops column s.legacy'] },
      rollout: {
        waves: [
          {
            name: 'canary',
            tenants: 2,
            first: ['a', 'b'],
            absent: [],
            status: 'not run',
            applied: 0,
            failed: 0,
            allowance: 0,
            work: [{ migrations: ['0004_x'], tenants: 2 }],
          },
        ],
        halted: null,
        paused: null,
      },
    };
    const md = planMarkdown(r);
    expect(md).toContain('| canary | 2 | a, b | 2× `0004_x` |');
    expect(md).toContain('- `0004_x`: drops column s.legacy');
  });

  it('drift: a row per group and its diff collapsed', () => {
    const d = {
      against: 'history',
      clean: false,
      summary: { schemas: 3, clean: 2, drifted: 1, groups: 1 },
      groups: [
        {
          scope: 'tenant',
          count: 1,
          schemas: ['t1'],
          differences: [{ kind: 'missing', object: 'index i', message: 'missing index i on s', repair: 'addIndex' }],
          history: [],
          diff: '-a\n+b\n',
        },
      ],
      schemas: [],
      invalidNames: [],
    } as unknown as DriftResult;
    const md = driftMarkdown(d);
    expect(md).toContain('❌ 1 of 3 schemas drift (1 way).');
    expect(md).toContain('| 1 | missing index i on s | t1 |');
    expect(md).toContain('```diff\n-a\n+b\n```');
  });
});
