import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandsFingerprint } from './commands-fingerprint.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Run the CLI from the bundle the build writes (dist/bundle: oclif and the explicit command
 * map in a few files, each command's module imported only when it runs). The bundle is
 * trusted only while the built commands match the fingerprint it was made from: a command
 * built after it (tsc alone, tsc --watch) would otherwise be missing, so then the commands
 * are discovered from dist/commands instead, as oclif's pattern strategy does: slower to
 * start, never wrong.
 *
 * Before oclif, the fast path (src/cli/fast.ts) runs the fleet commands a person or a deploy
 * runs most (migrate, status, tenant create ...) without loading it, under the same trust.
 */
export async function main() {
  const fingerprint = commandsFingerprint(root);
  if (await runFast(fingerprint)) return;
  let bundle = null;
  try {
    bundle = await import('../dist/bundle/main.js');
  } catch {
    // No bundle (tsc alone): discover the commands.
  }
  if (bundle && bundle.FINGERPRINT === fingerprint) {
    await bundle.execute({ loadOptions: root });
    return;
  }
  const { execute, Plugin } = await import('@oclif/core');
  const { readFileSync } = await import('node:fs');
  const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  pjson.oclif = { ...pjson.oclif, commands: './dist/commands' };
  const plugin = new Plugin({ root, isRoot: true, ignoreManifest: true, pjson });
  await plugin.load();
  await execute({ loadOptions: { root, plugins: new Map([[plugin.name, plugin]]) } });
}

/** True when the bundle's fast path ran the command; false leaves it to oclif. */
async function runFast(fingerprint) {
  if (process.env.PGFLEET_FAST === '0') return false;
  let fast;
  try {
    fast = await import('../dist/bundle/fast.js');
  } catch {
    return false;
  }
  return fast.FINGERPRINT === fingerprint && fast.run(process.argv.slice(2));
}
