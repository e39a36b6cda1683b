/**
 * YAML models for the benchmark projects, shaped like a Django app (the same table shape
 * as `syntheticModel`): an identity key, typed columns with defaults, a unique slug, a
 * check, an FK to the previous table and two indexes per table.
 */

export const tableName = (i: number): string => `app_model_${String(i).padStart(4, '0')}`;

export interface TenantYamlOptions {
  /** How many tables. */
  readonly tables: number;
  /** Extra nullable columns `extra_<k>` for k = 1..extras, the k-th on table (k - 1) % tables. */
  readonly extras?: number;
  /** Add `capacity integer DEFAULT 1` and an index on it to table 0 ("the one new migration"). */
  readonly capacity?: boolean;
}

/** Column name of the k-th extra column (1-based). */
export const extraColumn = (k: number): string => `extra_${String(k).padStart(4, '0')}`;

export function tenantYaml(o: TenantYamlOptions): string {
  const lines = ['tables:'];
  for (let i = 0; i < o.tables; i++) {
    const name = tableName(i);
    lines.push(
      `  ${name}:`,
      '    columns:',
      '      id: { type: bigint, identity: by default }',
      '      name: { type: varchar(200) }',
      '      slug: { type: varchar(50), unique: true }',
      '      price: { type: numeric(10,2), default: 0 }',
      '      is_active: { type: boolean, default: true }',
      '      created_at: { type: timestamptz, default: { sql: now() } }',
      '      notes: { type: text, nullable: true }',
    );
    if (i > 0) {
      lines.push(
        `      parent_id: { type: bigint, nullable: true, references: { table: ${tableName(i - 1)}, onDelete: set null, name: ${name}_parent_id_fkey } }`,
      );
    }
    for (let k = 1; k <= (o.extras ?? 0); k++) {
      if ((k - 1) % o.tables === i) lines.push(`      ${extraColumn(k)}: { type: integer, nullable: true }`);
    }
    if (i === 0 && o.capacity) lines.push('      capacity: { type: integer, default: 1 }');
    lines.push(
      '    primaryKey: [id]',
      '    checks:',
      `      ${name}_price_check: price >= 0`,
      '    indexes:',
      `      ${name}_created_idx: { columns: [created_at] }`,
      `      ${name}_name_like: { columns: [{ column: name, opclass: varchar_pattern_ops }] }`,
    );
    if (i === 0 && o.capacity) lines.push(`      ${name}_capacity_idx: { columns: [capacity] }`);
  }
  return `${lines.join('\n')}\n`;
}

/** The shared scope: a django-tenants style tenants table. */
export const SHARED_YAML = `tables:
  tenants_client:
    columns:
      id: { type: bigint, identity: by default }
      schema_name: { type: varchar(63), unique: true }
      created_at: { type: timestamptz, default: { sql: now() } }
    primaryKey: [id]
`;
