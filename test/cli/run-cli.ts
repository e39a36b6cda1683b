import { execFile } from 'node:child_process';
import { join } from 'node:path';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'run.js');

/** Run the built CLI (`npm test` builds first; `bin`: another copy of it) as a user would, in `cwd`. */
export function runCli(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; bin?: string },
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [options.bin ?? BIN, ...args],
      { cwd: options.cwd, env: { ...process.env, DATABASE_URL: '', ...options.env }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
