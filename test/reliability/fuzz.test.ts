import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/config.js';
import { PgfleetError } from '../../src/errors.js';
import { loadModel } from '../../src/load/index.js';
import { projectDir } from '../support/project-dir.js';

const runs = Number(process.env.FUZZ_RUNS ?? 60);

async function projectWith(modelText: string, configText = ''): Promise<string> {
  return projectDir({
    prefix: 'pgfleet-fuzz-',
    config: configText,
    folders: [],
    files: { 'schema/tenant/fuzz.yaml': modelText },
  });
}

/** Bad input must come back as an input error with places, never as a crash or a hang. */
async function expectCleanOutcome(work: () => Promise<unknown>) {
  const started = Date.now();
  try {
    await work();
  } catch (error) {
    expect(error).toBeInstanceOf(PgfleetError);
    const e = error as PgfleetError;
    expect(e.code).toBe('input');
    for (const d of e.diagnostics) {
      expect(typeof d.file).toBe('string');
      expect(Number.isInteger(d.line) && d.line >= 0).toBe(true);
      expect(d.message.length).toBeGreaterThan(0);
    }
  }
  // A hang guard, not a speed test: generous, so that a loaded machine does not fail it.
  expect(Date.now() - started).toBeLessThan(30_000);
}

const modelOf = async (text: string) => {
  const root = await projectWith(text);
  const config = await loadConfig({ cwd: root, env: {} });
  return loadModel(config);
};

// Values shaped like the model format, with hostile leaves.
const leaf = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('bigint', 'varchar(10)', 'numeric(10,2)', "'; DROP TABLE x; --", '$$', '"', '\\', 'shared.users'),
);
const modelLike = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(
      fc.constantFrom(
        'tables',
        'columns',
        'type',
        'nullable',
        'default',
        'references',
        'table',
        'indexes',
        'enums',
        'primaryKey',
        'unique',
        'checks',
        'scope',
        'extensions',
        'sql',
        'x',
      ),
      tie('node'),
      { maxKeys: 5 },
    ),
  ),
})).node;

describe('hostile and malformed input', { timeout: 120_000 }, () => {
  it('random model-shaped YAML gives a model or an input error with places', async () => {
    await fc.assert(
      fc.asyncProperty(modelLike, async (value) => expectCleanOutcome(() => modelOf(stringify({ tables: value })))),
      { numRuns: runs },
    );
  });

  it('random text as a model file gives a model or an input error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 400 }), async (text) =>
        expectCleanOutcome(() => modelOf(text)),
      ),
      {
        numRuns: runs,
      },
    );
  });

  it('random pgfleet.yaml gives a config or an input error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom('database', 'databases', 'devDatabase', 'tenants', 'shared', 'concurrency', 'model', 'x'),
          modelLike,
          { maxKeys: 4 },
        ),
        async (value) => {
          const root = await projectWith('tables: {}\n', stringify(value));
          await expectCleanOutcome(() => loadConfig({ cwd: root, env: {} }));
        },
      ),
      { numRuns: runs },
    );
  });

  it('deep nesting, a huge file and an alias bomb end quickly with an error', async () => {
    await expectCleanOutcome(() => modelOf(`tables: ${'['.repeat(5000)}${']'.repeat(5000)}`));
    const deepConfig = await projectWith('tables: {}\n', `tenants: ${'{a: '.repeat(3000)}1${'}'.repeat(3000)}\n`);
    await expectCleanOutcome(() => loadConfig({ cwd: deepConfig, env: {} }));
    await expectCleanOutcome(() =>
      modelOf(
        `tables:\n${Array.from({ length: 3000 }, (_, i) => `  t${i}:\n    columns:\n      c: { type: nosuchtype }\n`).join('')}`,
      ),
    );
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    await expectCleanOutcome(() => modelOf(`${bomb.join('\n')}\ntables: {}\n`));
  });
});
