import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JOURNAL_FILE, readMigrations, verifySum, writeMigrations } from '../../src/migrations/index.js';
import type { MigrationDraft } from '../../src/migrations/types.js';

const draft = (scope: 'shared' | 'tenant', version: string, name: string): MigrationDraft => ({
  scope,
  version,
  name,
  up: `CREATE TABLE ${name} (id int)`,
  down: `DROP TABLE ${name}`,
});

const ids = async (dir: string) => {
  const set = await readMigrations(dir);
  return [...set.shared, ...set.tenant].map((m) => m.path);
};

/** Every file of the directory, hidden ones too. */
const everything = async (dir: string) =>
  (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();

class Crash extends Error {}

describe('generate writes its migrations and pgfleet.sum as one step', () => {
  const made: string[] = [];
  afterAll(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));

  it('a crash after any step leaves the old directory or the new one, and the next read or write finishes it', async () => {
    const base = await mkdtemp(join(tmpdir(), 'pgfleet-crash-'));
    made.push(base);
    await writeMigrations(base, [draft('tenant', '0001', 'initial')]);
    const before = await ids(base);
    const next = [draft('shared', '0001', 'users'), draft('tenant', '0002', 'add_x')];

    const steps: string[] = [];
    const complete = join(base, '..', `${base.split('/').pop()}-complete`);
    made.push(complete);
    await cp(base, complete, { recursive: true });
    await writeMigrations(complete, next, (s) => steps.push(s));
    const after = await ids(complete);
    expect(after).toEqual(['shared/0001_users.sql', 'tenant/0001_initial.sql', 'tenant/0002_add_x.sql']);
    expect(steps).toEqual([
      'temp shared/0001_users.sql',
      'temp tenant/0002_add_x.sql',
      'temp pgfleet.sum',
      'journal',
      'rename shared/0001_users.sql',
      'rename tenant/0002_add_x.sql',
      'rename pgfleet.sum',
    ]);

    for (const [k, step] of steps.entries()) {
      const dir = `${base}-${k}`;
      made.push(dir);
      await cp(base, dir, { recursive: true });
      let n = 0;
      await expect(
        writeMigrations(dir, next, () => {
          if (n++ === k) throw new Crash(step);
        }),
        step,
      ).rejects.toThrow(step);
      const decided = steps.indexOf('journal') <= k;
      if (step.startsWith('rename') && step !== 'rename pgfleet.sum') {
        // Mid-rename the sum alone does not match; readMigrations finishes the write first.
        await expect(verifySum(dir), step).rejects.toThrow(/pgfleet.sum/);
      }
      expect(await ids(dir), step).toEqual(decided ? after : before);
      // No journal and no temporary file is left (a real kill before the journal leaves hidden
      // temporaries, which no command reads; the thrown crash here removes them).
      expect(await everything(dir), step).toEqual(await everything(decided ? complete : base));
      // The run that was interrupted can be run again: it writes the rest or finds it written.
      if (!decided) await writeMigrations(dir, next);
      else await expect(writeMigrations(dir, next), step).rejects.toThrow(/already exists/);
      expect(await ids(dir), step).toEqual(after);
    }
  });

  it('refuses a journal that names files outside the directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pgfleet-crash-'));
    made.push(dir);
    await writeFile(join(dir, JOURNAL_FILE), JSON.stringify([{ temp: '../../etc/x', path: 'pgfleet.sum' }]));
    await expect(readMigrations(dir)).rejects.toThrow(/names files outside/);
    await writeFile(join(dir, JOURNAL_FILE), '{');
    await expect(readMigrations(dir)).rejects.toThrow(/is not a pgfleet journal/);
  });
});
