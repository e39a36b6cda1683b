import type { GrantTarget } from '../../model/changes.js';
import type { Grant } from '../../model/types.js';
import { ident } from '../quote.js';
import type { Statement } from '../types.js';
import { type Rendered, rendered, sql } from './rendered.js';

/** `public` is the PUBLIC pseudo-role, a keyword; any other name is a role. */
const role = (name: string) => (name === 'public' ? 'PUBLIC' : ident(name));

// GRANT ... ON TABLE covers views and materialized views too.
// A routine's name is its identity as Postgres prints a regprocedure (`f(integer)`), already
// quoted (see render/functions.ts); ROUTINE covers functions, procedures and aggregates.
const object = (on: GrantTarget) =>
  on.kind === 'function' ? `ROUTINE ${on.name}` : `${on.kind === 'sequence' ? 'SEQUENCE' : 'TABLE'} ${ident(on.name)}`;

export const grantStatement = (on: GrantTarget, to: string, privileges: readonly string[]): Statement =>
  sql(`GRANT ${privileges.map((p) => p.toUpperCase()).join(', ')} ON ${object(on)} TO ${role(to)}`);

export const grant = (on: GrantTarget, to: string, privileges: readonly string[]): Rendered =>
  rendered([grantStatement(on, to, privileges)]);

export const revokeStatement = (on: GrantTarget, from: string, privileges: readonly string[]): Statement =>
  sql(`REVOKE ${privileges.map((p) => p.toUpperCase()).join(', ')} ON ${object(on)} FROM ${role(from)}`);

export const revoke = (on: GrantTarget, from: string, privileges: readonly string[]): Rendered =>
  rendered([revokeStatement(on, from, privileges)]);

/** The GRANTs that give an object's roles their privileges. */
export const grantsOf = (on: GrantTarget, grants: readonly Grant[]): Statement[] =>
  grants.map((g) => grantStatement(on, g.name, g.privileges));
