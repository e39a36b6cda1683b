import { parseArgs } from 'node:util';

/** One flag as the fast path accepts it: written by the build from the oclif flag (scripts/bundle-cli.mjs). */
export interface FastFlag {
  readonly type: 'boolean' | 'string' | 'integer';
  readonly options?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly default?: string | number | boolean;
  readonly exclusive?: readonly string[];
  /** A boolean that `--no-NAME` turns off. */
  readonly allowNo?: boolean;
}

/** A command's flags, and its arguments in order (every one required). */
export interface FastSpec {
  readonly flags: Readonly<Record<string, FastFlag>>;
  readonly args: readonly string[];
}

export interface FastInput {
  readonly flags: Record<string, string | number | boolean>;
  readonly args: Record<string, string>;
}

// Help, --json (oclif prints the result, colored on a terminal) and `--` are oclif's to handle.
const LEFT_TO_OCLIF = new Set(['--help', '-h', '--json', '--']);

/**
 * The flags and args oclif's parser would give for `argv`, or null when the fast path leaves
 * the command to oclif: anything it would reject or that needs oclif (help, --json, an
 * unknown or repeated flag, a value out of range, flags that exclude each other), so oclif
 * prints the error it always has. test/cli/fast-path.test.ts holds this equal to oclif's parse.
 */
export function parseFast(argv: readonly string[], spec: FastSpec): FastInput | null {
  if (argv.some((a) => LEFT_TO_OCLIF.has(a))) return null;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        Object.entries(spec.flags).flatMap(([name, f]) => [
          [name, { type: f.type === 'boolean' ? 'boolean' : 'string' }],
          ...(f.allowNo ? [[`no-${name}`, { type: 'boolean' }]] : []),
        ]),
      ) as Record<string, { type: 'boolean' | 'string' }>,
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch {
    return null;
  }
  const given = (parsed.tokens ?? []).flatMap((t) => (t.kind === 'option' ? [t.name] : []));
  if (new Set(given).size !== given.length) return null;
  if (parsed.positionals.length !== spec.args.length) return null;
  const flags: Record<string, string | number | boolean> = {};
  for (const [name, f] of Object.entries(spec.flags)) {
    const negated = f.allowNo && given.includes(`no-${name}`);
    // Both --NAME and --no-NAME: oclif's to settle.
    if (negated && given.includes(name)) return null;
    const raw = negated ? false : parsed.values[name];
    if (raw === undefined) {
      if (f.default !== undefined) flags[name] = f.default;
      continue;
    }
    if (f.exclusive?.some((other) => given.includes(other))) return null;
    const value = f.type === 'integer' ? integerOf(String(raw), f) : raw;
    if (value === null || Array.isArray(value)) return null;
    if (f.options && !f.options.includes(String(value))) return null;
    flags[name] = value;
  }
  return { flags, args: Object.fromEntries(spec.args.map((name, i) => [name, parsed.positionals[i]])) };
}

/** oclif's Flags.integer: digits with an optional minus, within min and max. */
function integerOf(raw: string, f: FastFlag): number | null {
  if (!/^-?\d+$/.test(raw)) return null;
  const n = Number.parseInt(raw, 10);
  if ((f.min !== undefined && n < f.min) || (f.max !== undefined && n > f.max)) return null;
  return n;
}

/** The command id and its own argv: `tenant create x` and `tenant:create x` are `tenant:create`. */
function commandOf(argv: readonly string[], specs: Readonly<Record<string, FastSpec>>) {
  if (argv.length > 0 && specs[argv[0]]) return { id: argv[0], rest: argv.slice(1) };
  const two = `${argv[0]}:${argv[1]}`;
  if (argv.length > 1 && specs[two]) return { id: two, rest: argv.slice(2) };
  return null;
}

/**
 * Run a command of FAST_BODIES (bodies/index.ts) without loading oclif (its start-up is most
 * of a quick command's time): true when it ran (its exit code set as oclif's path would),
 * false when it is oclif's to run. PGFLEET_CONTENT_TYPE=json is oclif's --json.
 */
export async function runFast(argv: readonly string[], specs: Readonly<Record<string, FastSpec>>): Promise<boolean> {
  if (process.env.PGFLEET_CONTENT_TYPE?.toLowerCase() === 'json') return false;
  const command = commandOf(argv, specs);
  if (!command) return false;
  const input = parseFast(command.rest, specs[command.id]);
  if (input === null) return false;
  const { runBody } = await import('./bodies/index.js');
  await runBody(command.id, input.flags, input.args);
  return true;
}
