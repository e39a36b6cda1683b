// Writes oclif.manifest.json from the built commands (run by `npm run build`, after tsc).
// Without a manifest oclif imports every command module, and so the whole library, on
// each start to read their flags, even for `--version`. bin/run.js ignores a manifest
// whose fingerprint no longer matches dist/commands, so a stale one cannot hide a command.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';
import { commandsFingerprint } from '../bin/commands-fingerprint.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const plugin = new Plugin({ root, isRoot: true, ignoreManifest: true, errorOnManifestCreate: true, type: 'core' });
await plugin.load();
const manifest = { ...plugin.manifest, pgfleetCommands: commandsFingerprint(root) };
writeFileSync(join(root, 'oclif.manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`oclif.manifest.json: ${Object.keys(manifest.commands).length} commands`);
