import type { Deferrable, FkAction, Identity } from '../model/types.js';

/** The one-letter codes of pg_catalog, as the model spells them. */

const FK_ACTIONS: Readonly<Record<string, FkAction>> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
};

/** pg_constraint.confdeltype / confupdtype. */
export function fkAction(code: string): FkAction {
  const action = FK_ACTIONS[code];
  if (action === undefined) throw new Error(`unknown foreign key action code ${JSON.stringify(code)}`);
  return action;
}

/** pg_constraint.condeferrable / condeferred. */
export const deferrable = (isDeferrable: boolean, initiallyDeferred: boolean): Deferrable =>
  !isDeferrable
    ? 'not deferrable'
    : initiallyDeferred
      ? 'deferrable initially deferred'
      : 'deferrable initially immediate';

/** pg_attribute.attidentity: '' for an ordinary column. */
export function identity(code: string): Identity | null {
  if (code === '') return null;
  if (code === 'a') return 'always';
  if (code === 'd') return 'by default';
  throw new Error(`unknown identity code ${JSON.stringify(code)}`);
}
