/**
 * Errors the library raises. The library never prints or exits: commands map `code` to an
 * exit code (see `exitCodeFor`) and show `message` and `hint`.
 */
/**
 * `unsupported`: a change pgfleet cannot make yet (the hint says how to write it by hand),
 * bad input's exit code. `internal`: a bug in pgfleet, with an exit code of its own.
 */
export type ErrorCode = 'input' | 'unsupported' | 'connection' | 'lock' | 'finding' | 'internal';

/** One problem at a place in a file, as `file:line:col`. */
export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** JSON pointer into the document, e.g. `/tables/users/columns/id/type`. */
  readonly pointer: string;
  readonly message: string;
  readonly hint?: string;
}

export class PgfleetError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly diagnostics: readonly Diagnostic[];

  constructor(
    code: ErrorCode,
    message: string,
    options: { hint?: string; cause?: unknown; diagnostics?: readonly Diagnostic[] } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'PgfleetError';
    this.code = code;
    this.hint = options.hint;
    this.diagnostics = options.diagnostics ?? [];
  }
}

export const formatDiagnostic = (d: Diagnostic): string =>
  `${d.file}:${d.line}:${d.col}: ${d.message}${d.pointer ? ` (at ${d.pointer})` : ''}${d.hint ? `\n  hint: ${d.hint}` : ''}`;

/** The exit code of a bug in pgfleet: not bad input's 2, so CI does not blame the user's change. */
export const EXIT_INTERNAL = 4;

/**
 * Exit codes of the CLI contract: 0 done, 1 a finding, 2 bad input, 3 could not connect or
 * lock, 4 a bug in pgfleet (an internal error, or anything that is not a PgfleetError).
 */
export function exitCodeFor(error: unknown): number {
  if (!(error instanceof PgfleetError)) return EXIT_INTERNAL;
  switch (error.code) {
    case 'finding':
      return 1;
    case 'input':
    case 'unsupported':
      return 2;
    case 'connection':
    case 'lock':
      return 3;
    case 'internal':
      return EXIT_INTERNAL;
    default: {
      const never: never = error.code;
      return never;
    }
  }
}

/** The exit code for what a command threw: oclif's own flag and argument errors are bad input. */
export const exitCodeOfThrown = (error: Error & { oclif?: { exit?: number } }): number =>
  !(error instanceof PgfleetError) && error.oclif?.exit !== undefined ? 2 : exitCodeFor(error);
