import type { CommandIO } from '../io.js';
import { stdoutIO } from '../io.js';
import { reportError } from '../report-error.js';
import { diff, drift, generate, validate } from './dev.js';
import { migrate } from './migrate.js';
import { rollback } from './rollback.js';
import { status } from './status.js';
import { tenantCreate, tenantDrop, tenantList } from './tenant.js';

/** A command's body as the fast path calls it: parsed flags and args in, the --json result out. */
// biome-ignore lint/suspicious/noExplicitAny: each body declares its own flags; the fast path checked them against the command's
export type Body = (io: CommandIO, flags: any, args: any) => Promise<unknown>;

/**
 * The commands the fast path (../fast.ts) runs without oclif: those a person, a deploy or CI
 * runs many times a day (the fleet's, and the edit loop's), whose flags are plain. The build
 * (scripts/bundle-cli.mjs) writes what each accepts from the oclif command of the same id,
 * so commands/ stays the one place a flag is defined, and bundles this module as an entry of
 * its own (dist/bundle/fast-bodies.js), which loads faster than the two dozen chunks of the
 * oclif build.
 */
export const FAST_BODIES: Readonly<Record<string, Body>> = {
  diff,
  drift,
  generate,
  migrate,
  rollback,
  status,
  'tenant:create': tenantCreate,
  'tenant:drop': tenantDrop,
  'tenant:list': tenantList,
  validate,
};

/**
 * Run a body and report what it throws as the oclif path does. Here, not in fast.ts: an
 * error's class (PgfleetError) must be the one the bodies throw, and fast.ts is a file of
 * its own.
 */
export async function runBody(id: string, flags: object, args: object): Promise<void> {
  try {
    await FAST_BODIES[id](stdoutIO, flags, args);
  } catch (error) {
    reportError(error as Error, id);
  }
}
