import { Flags } from '@oclif/core';

/**
 * The flag of the commands that use the dev database (`validate`, `diff`, `generate`,
 * `squash`, `baseline`, `drift`): `--no-warm` starts a private embedded server for this run
 * and stops it, instead of using (or starting) the warm one that stays for the next command.
 * BaseCommand reads it when the command parses its flags.
 */
export const devFlags = {
  warm: Flags.boolean({
    description:
      'keep the embedded dev Postgres running for the next command (stopped after 15 min idle; PGFLEET_WARM=0 turns it off)',
    default: true,
    allowNo: true,
  }),
};
