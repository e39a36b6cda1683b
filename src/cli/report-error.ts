import { exitCodeOfThrown, formatDiagnostic, PgfleetError } from '../errors.js';

const BUG = 'this is a bug in pgfleet: please report it (set PGFLEET_DEBUG=1 for the stack trace)';

type Thrown = Error & { exitCode?: number; oclif?: { exit?: number } };

/** `--json`'s `{ error }` for what a command threw. */
export function errorJson(err: Thrown, exitCode: number) {
  const e = err instanceof PgfleetError ? err : undefined;
  return {
    error: {
      code: e?.code ?? (err.oclif === undefined ? 'internal' : 'input'),
      exitCode,
      message: err.message,
      hint: e?.hint,
      diagnostics: e?.diagnostics ?? [],
    },
  };
}

/** The text a command prints on stderr for what it threw: the message, diagnostics and a hint. */
export function errorText(err: Thrown, commandId: string | undefined): string {
  const lines = [`error: ${err.message}`];
  if (err instanceof PgfleetError) {
    for (const d of err.diagnostics) lines.push(formatDiagnostic(d));
    if (err.hint) lines.push(`hint: ${err.hint}`);
    if (err.code === 'internal') lines.push(BUG);
  } else if (err.oclif === undefined) {
    lines.push(BUG);
    if (process.env.PGFLEET_DEBUG) lines.push(String(err.stack));
  } else {
    lines.push(`hint: see \`pgfleet ${commandId ?? ''} --help\``);
  }
  return `${lines.join('\n')}\n`;
}

/** Set the exit code for what a command threw and print its text on stderr (without --json). */
export function reportError(err: Thrown, commandId: string | undefined): void {
  process.exitCode = exitCodeOfThrown(err);
  process.stderr.write(errorText(err, commandId));
}
