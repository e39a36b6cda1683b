// Bundles the CLI (run by `npm run build`, after tsc and the manifest) into dist/bundle/:
// main.js (oclif and the explicit command map) and one small module per command, with
// @oclif/core's ~100 CommonJS files in one shared chunk. Loading oclif from node_modules
// file by file cost ~120 ms of a ~270 ms `--version`; the bundle loads in a fraction of it.
//
// Only the command layer is bundled (dist/commands, dist/cli, @oclif/core): the library
// (dist/api, dist/fleet, ...) stays tsc's output, imported from the command modules only when
// a command runs, so a command loads just what it uses and the library's own paths
// (import.meta.url: the JSON Schemas, the precompiled validators, the replay cache's code
// hash) stay where they are. Every output lands in dist/bundle/ itself, so a library import
// is rewritten once to its path from there.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { commandsFingerprint } from '../bin/commands-fingerprint.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const outdir = join(dist, 'bundle');
const commandsDir = join(dist, 'commands');
const bundled = [join(dist, 'commands') + sep, join(dist, 'cli') + sep];

// `tenant/create.js` is the command `tenant:create`, as oclif's pattern strategy names it.
const files = readdirSync(commandsDir, { recursive: true })
  .filter((f) => f.endsWith('.js'))
  .sort();
const commands = files.map((f) => ({
  id: f.replace(/\.js$/, '').split(sep).join(':'),
  entry: join(commandsDir, f),
  out: `command-${f.replace(/\.js$/, '').split(sep).join('-')}`,
}));

// Each entry of the map is a stand-in that imports its command's module when the command
// runs: oclif reads flags and help from oclif.manifest.json, so `--help` imports none.
const main = `import { Command, execute, settings } from '@oclif/core';
// The bundle runs built JavaScript: under NODE_ENV=test or development oclif would look for
// TypeScript sources of it (and warn when there are none).
settings.enableAutoTranspile = false;
const lazy = (id, load) =>
  class extends Command {
    static async run(argv, config) {
      const real = (await load()).default;
      real.id = this.id;
      real.plugin = this.plugin;
      return real.run(argv, config);
    }
  };
export const COMMANDS = {
${commands.map((c) => `  ${JSON.stringify(c.id)}: lazy(${JSON.stringify(c.id)}, () => import(${JSON.stringify(`./${c.out}.js`)})),`).join('\n')}
};
export const FINGERPRINT = ${JSON.stringify(commandsFingerprint(root))};
export { execute };
`;

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
const mainSource = join(outdir, 'main-source.mjs');
writeFileSync(mainSource, main);

/** Bundle the command layer and @oclif/core; leave the library and other packages where they are. */
const layering = {
  name: 'layering',
  setup(b) {
    b.onResolve({ filter: /^\./ }, (args) => {
      if (args.importer.includes(`${sep}node_modules${sep}`)) return undefined;
      const target = resolve(args.resolveDir, args.path);
      if (bundled.some((d) => target.startsWith(d))) return undefined;
      if (args.importer === mainSource) return { path: args.path, external: true };
      const path = relative(outdir, target).split(sep).join('/');
      return { path: path.startsWith('.') ? path : `./${path}`, external: true };
    });
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { path: args.path, external: true };
      if (args.path === '@oclif/core' || args.path.startsWith('@oclif/core/')) return undefined;
      if (args.importer.includes(`${sep}node_modules${sep}`) && args.path !== 'typescript') return undefined;
      return { path: args.path, external: true };
    });
  },
};

const result = await build({
  entryPoints: [{ in: mainSource, out: 'main' }, ...commands.map((c) => ({ in: c.entry, out: c.out }))],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'none',
  // oclif is CommonJS: its require() calls of Node built-ins need a real require in ESM.
  banner: { js: "import { createRequire as __pgfleetRequire } from 'node:module'; const require = __pgfleetRequire(import.meta.url);" },
  plugins: [layering],
  logLevel: 'warning',
  metafile: true,
});
rmSync(mainSource);
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`dist/bundle: ${commands.length} commands, ${Math.round(bytes / 1024)} KiB`);
