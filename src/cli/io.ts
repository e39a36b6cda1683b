/**
 * Where a command's body (bodies/) writes: the oclif command (base.ts) or the fast path
 * (fast.ts). The body prints human text; with --json the caller prints its result instead.
 */
export interface CommandIO {
  readonly json: boolean;
  /** Human text on stdout, a line; nothing under --json. */
  say(text: string): void;
}

/** The fast path's IO: it runs only without --json (it leaves --json to oclif). */
export const stdoutIO: CommandIO = {
  json: false,
  say: (text) => {
    process.stdout.write(`${text}\n`);
  },
};
