import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

/** `npm run demo` is the README's first command: it must run the whole flow, end to end. */
describe('pgfleet demo', () => {
  it(
    'migrates, creates tenants, runs a code migration, generates, finds the drift and rolls back on its own Postgres; exit 0',
    { timeout: 180_000 },
    async () => {
      const r = await runCli(['demo'], { cwd: tmpdir() });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('pgfleet tenant create tenant_initech: 5 migrations');
      // The code migration (generated/tenant/0004_fill_service_slug.ts) filled slugs from names.
      expect(r.stdout).toContain('--- generated/tenant/0004_fill_service_slug.ts');
      expect(r.stdout).toContain(
        'tenant_acme.services_service: Café Déjà -> cafe-deja, Crème Brûlée -> creme-brulee, Smörgåsbord Nº1 -> smorgasbord-no1',
      );
      expect(r.stdout).toContain('ALTER TABLE services_service ADD COLUMN is_featured boolean DEFAULT false NOT NULL;');
      expect(r.stdout).toContain('4 schemas compared with what their applied migrations produce: 1 drifted, 3 clean');
      expect(r.stdout).toContain('ALTER TABLE services_service DROP COLUMN legacy_note;');
      expect(r.stdout).toMatch(/3 at 0005, 1 pending: tenant_acme, tenant_globex, tenant_initech\s*$/);
    },
  );
});
