const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const cleanups = new Set<() => Promise<unknown>>();

function onSignal(signal: NodeJS.Signals): void {
  // A second Ctrl-C while cleaning up ends the process at once (the default action).
  for (const s of SIGNALS) process.off(s, onSignal);
  const pending = [...cleanups];
  cleanups.clear();
  // Removing a container makes the command fail (its connections drop), and the CLI would
  // then exit with that error's code before the cleanup is done. The signal ends the process,
  // as the user asked: until then, exits and errors are held.
  process.exit = (() => undefined) as unknown as typeof process.exit;
  process.on('uncaughtException', () => {});
  process.on('unhandledRejection', () => {});
  // A Docker daemon that does not answer must not keep the process alive: 15 s at most.
  const budget = new Promise((resolve) => setTimeout(resolve, 15_000).unref());
  void Promise.race([Promise.allSettled(pending.map((cleanup) => cleanup())), budget]).finally(() =>
    process.kill(process.pid, signal),
  );
}

/**
 * Run `cleanup` if the process is interrupted (Ctrl-C, SIGTERM, SIGHUP) before the returned
 * function is called, then end the process by the same signal, as it would have ended.
 *
 * Why: a container is not a child of this process. Ctrl-C ends pgfleet and the embedded
 * Postgres (one process group), but a container would run on; `finally` blocks do not run
 * when a signal ends Node. The handlers are installed only while there is something to clean.
 */
export function stopOnSignal(cleanup: () => Promise<unknown>): () => void {
  if (cleanups.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  cleanups.add(cleanup);
  return () => {
    if (!cleanups.delete(cleanup) || cleanups.size > 0) return;
    for (const s of SIGNALS) process.off(s, onSignal);
  };
}
