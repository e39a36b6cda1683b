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
 */
export async function main() {
  let bundle = null;
  try {
    bundle = await import('../dist/bundle/main.js');
  } catch {
    // No bundle (tsc alone): discover the commands.
  }
  if (bundle && bundle.FINGERPRINT === commandsFingerprint(root)) {
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
