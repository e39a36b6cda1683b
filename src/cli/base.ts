import { Command, Flags, type Interfaces } from '@oclif/core';
import { useWarmDevDatabase } from '../devdb/warm-setting.js';
import { exitCodeOfThrown } from '../errors.js';
import type { CommandIO } from './io.js';
import { errorJson, reportError } from './report-error.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof BaseCommand)['baseFlags'] & T['flags']
>;

// oclif's FlagOutput and ArgOutput, which its package does not export.
// biome-ignore lint/suspicious/noExplicitAny: the shape oclif's own parse() signature uses
type Output = { [name: string]: any };

/**
 * Flags every command takes, and the one place where errors become exit codes and text:
 * the library never prints or exits. `--json` prints the command's return value (or
 * `{ error }`) and nothing else on stdout.
 */
export abstract class BaseCommand extends Command {
  static enableJsonFlag = true;

  static baseFlags = {
    config: Flags.string({ description: 'path of pgfleet.yaml', default: 'pgfleet.yaml', helpGroup: 'GLOBAL' }),
    'database-url': Flags.string({
      description: 'database to work on (overrides pgfleet.yaml and DATABASE_URL)',
      helpGroup: 'GLOBAL',
    }),
  };

  /**
   * At the keyboard the embedded dev database stays warm for the next command, unless the
   * command's `--no-warm` (dev-flags.ts) says otherwise.
   */
  protected async parse<F extends Output, B extends Output, A extends Output>(
    options?: Interfaces.Input<F, B, A>,
    argv?: string[],
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    const parsed = await super.parse(options, argv);
    useWarmDevDatabase((parsed.flags as { warm?: boolean }).warm !== false);
    return parsed;
  }

  /** Human output goes to stdout only when --json is off. */
  protected say(text: string): void {
    if (!this.jsonEnabled()) this.log(text);
  }

  /** What the command's body (bodies/) writes through. */
  protected get io(): CommandIO {
    return { json: this.jsonEnabled(), say: (text) => this.say(text) };
  }

  protected async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<void> {
    if (this.jsonEnabled()) {
      const code = exitCodeOfThrown(err);
      process.exitCode = code;
      this.logJson(errorJson(err, code));
      return;
    }
    reportError(err, this.id);
  }
}
