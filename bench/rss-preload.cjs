// Loaded with `node --require` into a CLI process the benchmark starts: writes the process's
// peak resident memory (KiB) to BENCH_RSS_FILE when it exits.
process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE)
    require('node:fs').writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
