/**
 * The `-c` settings of every scratch Postgres pgfleet starts (embedded or in a container):
 * durability buys nothing on a throwaway cluster and costs seconds per command and test run;
 * the connection limit leaves room for a fleet run's pool beside the tests'.
 */
export const SCRATCH_SETTINGS: readonly string[] = [
  'fsync=off',
  'synchronous_commit=off',
  'full_page_writes=off',
  'max_connections=300',
];

/** {@link SCRATCH_SETTINGS} as `postgres` command-line arguments. */
export const scratchArgs = (): string[] => SCRATCH_SETTINGS.flatMap((s) => ['-c', s]);
