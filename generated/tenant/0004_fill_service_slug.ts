import type { MigrationContext } from 'pgfleet';

/**
 * A URL name from a service's name, with JavaScript's Unicode normalisation, which SQL alone
 * does not have: NFKD splits 'é' into 'e' and a combining accent (dropped), 'º' into 'o'.
 * 'Café Déjà' -> 'cafe-deja'. Two names that make one slug get -2, -3, ... in id order.
 */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

// It only fills rows that exist: a tenant created later (empty tables) records it without
// running it, and pgfleet.create_tenant(name) can still create tenants.
export const dataOnly = true;

// Runs once per tenant, in that tenant's transaction, before 0005 makes slug NOT NULL and UNIQUE.
export async function up({ query }: MigrationContext): Promise<void> {
  const { rows } = await query<{ id: string; name: string }>('SELECT id, name FROM services_service ORDER BY id');
  const taken = new Set<string>();
  for (const { id, name } of rows) {
    const base = slugify(name) || `service-${id}`;
    let slug = base;
    for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
    taken.add(slug);
    await query('UPDATE services_service SET slug = $1 WHERE id = $2', [slug, id]);
  }
}

export async function down({ query }: MigrationContext): Promise<void> {
  await query('UPDATE services_service SET slug = NULL');
}
