import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { at, inputProblems, project } from '../load/project.js';

const configOf = async (text: string) => loadConfig({ cwd: await project({ 'pgfleet.yaml': text }), env: {} });
const problemsOf = async (text: string) =>
  (await inputProblems(configOf(text))).map((d) => `${d.line}:${d.col} ${d.message}`);

describe('rollout: and tenants.namePattern in pgfleet.yaml', () => {
  it('reads waves with their defaults', async () => {
    const config = await configOf(`rollout:
  waves:
    - { name: canary, tenants: [tenant_internal, tenant_demo] }
    - { name: early, percent: 10, pause: true, concurrency: 2 }
    - { name: rest }
  onError: continue
  maxFailures: 1%
`);
    expect(config.rollout).toEqual({
      waves: [
        {
          name: 'canary',
          tenants: ['tenant_internal', 'tenant_demo'],
          match: null,
          query: null,
          percent: null,
          pause: false,
          concurrency: null,
        },
        { name: 'early', tenants: null, match: null, query: null, percent: 10, pause: true, concurrency: 2 },
        { name: 'rest', tenants: null, match: null, query: null, percent: null, pause: false, concurrency: null },
      ],
      onError: 'continue',
      maxFailures: { percent: 1 },
      preflight: false,
    });
    expect((await configOf('rollout:\n  waves: [{ name: all }]\n')).rollout).toMatchObject({
      onError: 'stop',
      maxFailures: null,
    });
    expect((await configOf('tenants:\n  namePattern: "^t_[a-z]+$"\n')).tenants.namePattern).toBe('^t_[a-z]+$');
  });

  it('refuses a tenant named by two waves, two selectors, a middle wave without one, with file:line:col', async () => {
    const text = `rollout:
  waves:
    - { name: canary, tenants: [tenant_a, tenant_b] }
    - { name: early, match: 'tenant_%', percent: 10 }
    - { name: middle }
    - { name: again, tenants: [tenant_b] }
    - { name: canary }
`;
    expect(await problemsOf(text)).toEqual([
      `${at(text, '10 }')} wave "early": use one of tenants, match, query and percent, not match and percent`,
      `${at(text, 'middle')} wave "middle" selects no tenants: only the last wave may (it takes every tenant left)`,
      `${at(text, 'tenant_b', 1)} tenant "tenant_b" is named by waves "canary" and "again"`,
      `${at(text, 'canary', 1)} wave "canary" is also wave 1`,
    ]);
  });

  it('refuses a bad maxFailures, a percent on the last wave and a pattern that is not a regular expression', async () => {
    const problems = await problemsOf(`tenants:
  namePattern: "[a-"
rollout:
  waves: [{ name: canary, tenants: [a] }, { name: rest, percent: 20 }]
`);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^2:16 tenants.namePattern is not a regular expression/);
    expect(problems[1]).toMatch(/percent on wave "rest" means nothing/);
    expect(await problemsOf('rollout:\n  waves: [{ name: a }]\n  onError: continue\n  maxFailures: 5x\n')).toEqual([
      expect.stringMatching(/^4:16 .*maxFailures.*a count \(e.g. 3\) or a percentage/),
    ]);
    expect(await problemsOf('rollout:\n  waves: [{ name: a }]\n  maxFailures: 3\n')).toEqual([
      expect.stringMatching(/maxFailures applies only with onError: continue/),
    ]);
  });
});
