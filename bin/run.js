#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execute, Plugin } from '@oclif/core';
import { commandsFingerprint } from './commands-fingerprint.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * oclif trusts oclif.manifest.json whenever its version matches package.json, so a command
 * built after the manifest (tsc alone, tsc --watch) would be missing from the CLI. When the
 * built commands no longer match the manifest's fingerprint, discover them from dist instead:
 * slower to start, never wrong.
 */
async function loadOptions() {
  try {
    const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8'));
    if (manifest.pgfleetCommands === commandsFingerprint(root)) return root;
  } catch {
    // No manifest: discover the commands.
  }
  const plugin = new Plugin({ root, isRoot: true, ignoreManifest: true });
  await plugin.load();
  return { root, plugins: new Map([[plugin.name, plugin]]) };
}

await execute({ loadOptions: await loadOptions() });
// End with the code the command set, even if a dependency left a handle or an exit hook
// behind; stdout and stderr are synchronous for files and pipes here, so nothing is lost.
process.exit(process.exitCode ?? 0);
