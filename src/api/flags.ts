import { PgfleetError } from '../errors.js';
import { schemaNameProblem } from '../model/names.js';

/**
 * Refuses, as bad input and before anything connects, a schema named by a flag (`--schema`,
 * `--skip`) that Postgres could not have, saying why.
 */
export function checkSchemaFlag(name: string, flag = '--schema'): void {
  const problem = schemaNameProblem(name);
  if (problem) {
    throw new PgfleetError('input', `${flag} ${JSON.stringify(name)} is not a schema name: ${problem}`, {
      hint: '`pgfleet status` lists the schemas of the fleet',
    });
  }
}

/** `--concurrency` (or `concurrency:`): each unit is a connection, so it is bounded. */
export function checkConcurrency(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new PgfleetError('input', `--concurrency must be a whole number from 1 to 256, got ${n}`, {
      hint: 'each unit is one connection to the database; 4 to 16 suits most servers',
    });
  }
  return n;
}
