import { createRequire } from 'node:module';
import type { ProgressEvent } from '../fleet/index.js';

/**
 * A progress bar on stderr when it is a terminal; nothing when piped (CI logs stay clean)
 * or with --json.
 */
export function progressBar(enabled: boolean): { onProgress: (e: ProgressEvent) => void; stop: () => void } {
  if (!enabled || !process.stderr.isTTY) return { onProgress: () => {}, stop: () => {} };
  // Loaded for a terminal only: a deploy's log or a pipe never pays its start-up.
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
  const bar = new cliProgress.SingleBar(
    { format: '{bar} {value}/{total} schemas | {failed} failed | {last}', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress(e) {
      if (!started) {
        bar.start(e.total, 0, { failed: 0, last: '' });
        started = true;
      }
      bar.update(e.done, { failed: e.failed, last: e.last.schema });
    },
    stop: () => started && bar.stop(),
  };
}
