import type { CommandIO } from './io.js';

/** A command's body as the fast path calls it: parsed flags and args in, the --json result out. */
// biome-ignore lint/suspicious/noExplicitAny: each body declares its own flags; the fast path checked them against the command's
export type Body = (io: CommandIO, flags: any, args: any) => Promise<unknown>;

/**
 * The commands the fast path (fast.ts) runs without oclif: those a person or a deploy runs
 * against the fleet many times a day, whose flags are plain. Each is imported only when it
 * runs. The build (scripts/bundle-cli.mjs) writes what each accepts from the oclif command
 * of the same id, so commands/ stays the one place a flag is defined.
 */
export const FAST_BODIES: Readonly<Record<string, () => Promise<Body>>> = {
  migrate: () => import('./bodies/migrate.js').then((m) => m.migrate),
  rollback: () => import('./bodies/rollback.js').then((m) => m.rollback),
  status: () => import('./bodies/status.js').then((m) => m.status),
  'tenant:create': () => import('./bodies/tenant.js').then((m) => m.tenantCreate),
  'tenant:drop': () => import('./bodies/tenant.js').then((m) => m.tenantDrop),
  'tenant:list': () => import('./bodies/tenant.js').then((m) => m.tenantList),
};
