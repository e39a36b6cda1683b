import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repo } from './project.js';

const exec = promisify(execFile);

describe('docs/reference.md', () => {
  it('says what the CLI says (`npm run docs:reference` when this fails)', async () => {
    const r = await exec(process.execPath, [join(repo, 'scripts', 'cli-reference.mjs'), '--check'], {
      cwd: repo,
    }).catch((e) => e);
    expect(r.stderr ?? '').toBe('');
    expect(r.stdout).toContain('docs/reference.md is current');
  });

  it('every command has a description, and none is missing from the reference', async () => {
    const { readFile } = await import('node:fs/promises');
    const { Config } = await import('@oclif/core');
    const config = await Config.load({ root: repo });
    const reference = await readFile(join(repo, 'docs', 'reference.md'), 'utf8');
    expect(config.commands.length).toBeGreaterThan(15);
    for (const c of config.commands) {
      expect(c.summary, c.id).toBeTruthy();
      expect(c.description, c.id).toBeTruthy();
      expect(reference).toContain(`### \`pgfleet ${c.id.replaceAll(':', ' ')}\``);
    }
  });
});
