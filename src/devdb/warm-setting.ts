/**
 * Whether `devDatabase: embedded` is served by the warm server (src/devdb/warm-server.ts)
 * rather than a private server started and stopped around each call.
 *
 * The CLI turns it on (a person runs `validate` or `generate --check` after every edit);
 * the library leaves it off unless asked, so that an application or a test calling the API
 * never finds a server it did not start still running. `PGFLEET_WARM=0` turns it off
 * everywhere (CI, the test suite), `PGFLEET_WARM=1` on everywhere.
 */
let defaultOn = false;

/** Called by the CLI: on unless `--no-warm`. */
export function useWarmDevDatabase(on: boolean): void {
  defaultOn = on;
}

export function warmDevDatabaseEnabled(): boolean {
  const env = process.env.PGFLEET_WARM?.trim().toLowerCase();
  if (env === '0' || env === 'false' || env === 'off') return false;
  if (env === '1' || env === 'true' || env === 'on') return true;
  return defaultOn;
}

/** How long the warm server waits for the next command before it stops (PGFLEET_WARM_IDLE_S, default 15 min). */
export function warmIdleMs(): number {
  const s = Number(process.env.PGFLEET_WARM_IDLE_S);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 15 * 60 * 1000;
}
