#!/usr/bin/env node
// `pgfleet --version` needs nothing but package.json: answer it before loading oclif, in
// oclif's words (its `config.userAgent`).
if (process.argv[2] === '--version') {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const arch = process.arch === 'ia32' ? 'x86' : process.arch;
  process.stdout.write(`${pkg.oclif.bin}/${pkg.version} ${process.platform}-${arch} node-${process.version}\n`);
  process.exit(0);
}

const { main } = await import('./main.js');
await main();
// End with the code the command set, even if a dependency left a handle or an exit hook
// behind; stdout and stderr are synchronous for files and pipes here, so nothing is lost.
process.exit(process.exitCode ?? 0);
