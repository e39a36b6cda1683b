// Writes oclif.manifest.json from the built commands (run by `npm run build`, after tsc).
// Without a manifest oclif imports every command module, and so the whole library, on
// each start to read their flags, even for `--help`. The manifest is read from the command
// classes in dist/commands (oclif's pattern strategy); the CLI runs them from the bundle's
// explicit map (scripts/bundle-cli.mjs), which bin/main.js trusts only while it matches them.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';
import { commandsFingerprint } from '../bin/commands-fingerprint.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
pjson.oclif = { ...pjson.oclif, commands: './dist/commands' };
const plugin = new Plugin({ root, isRoot: true, ignoreManifest: true, errorOnManifestCreate: true, type: 'core', pjson });
await plugin.load();
const manifest = { ...plugin.manifest, pgfleetCommands: commandsFingerprint(root) };
writeFileSync(join(root, 'oclif.manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`oclif.manifest.json: ${Object.keys(manifest.commands).length} commands`);
