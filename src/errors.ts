/**
 * Errors the library raises. The library never prints or exits: commands map `code` to an
 * exit code (see `exitCodeFor`) and show `message` and `hint`.
 */
export type ErrorCode = 'input' | 'connection' | 'lock' | 'finding' | 'internal';

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

/** Exit codes of the CLI contract: 0 done, 1 a finding, 2 bad input, 3 could not connect or lock. */
export function exitCodeFor(error: unknown): number {
  if (!(error instanceof PgfleetError)) return 2;
  switch (error.code) {
    case 'finding':
      return 1;
    case 'input':
      return 2;
    case 'connection':
    case 'lock':
      return 3;
    case 'internal':
      return 2;
  }
}
