import { column, index, model, table } from '../src/model/build.js';
import type { Model, Table } from '../src/model/types.js';

/**
 * A synthetic model of `n` tables shaped like a Django app: an identity key, a few typed
 * columns with defaults, a unique, a check, an FK to the previous table and two indexes.
 */
export function syntheticModel(n: number): Model {
  const tables: Table[] = [];
  for (let i = 0; i < n; i++) {
    const name = `app_model_${String(i).padStart(4, '0')}`;
    const prev = i > 0 ? `app_model_${String(i - 1).padStart(4, '0')}` : null;
    tables.push(
      table(
        name,
        [
          column('id', 'bigint', { identity: 'by default' }),
          column('name', 'varchar(200)'),
          column('slug', 'varchar(50)'),
          column('price', 'numeric(10,2)', { default: '0' }),
          column('is_active', 'boolean', { default: 'true' }),
          column('created_at', 'timestamptz', { default: 'now()' }),
          column('notes', 'text', { nullable: true }),
          ...(prev ? [column('parent_id', 'bigint', { nullable: true })] : []),
        ],
        {
          primaryKey: { name: `${name}_pkey`, columns: ['id'] },
          uniques: [{ kind: 'unique', name: `${name}_slug_key`, columns: ['slug'], deferrable: 'not deferrable' }],
          checks: [{ kind: 'check', name: `${name}_price_check`, expression: 'price >= 0' }],
          foreignKeys: prev
            ? [
                {
                  kind: 'foreignKey',
                  // Postgres' default names, given so that the plan can also render the reverses.
                  name: `${name}_parent_id_fkey`,
                  columns: ['parent_id'],
                  refTable: prev,
                  refColumns: ['id'],
                  onDelete: 'set null',
                  onUpdate: 'no action',
                  deferrable: 'deferrable initially deferred',
                },
              ]
            : [],
          indexes: [
            index(`${name}_created_idx`, ['created_at']),
            index(`${name}_name_like`, ['name'], {
              elements: [
                {
                  column: 'name',
                  expression: null,
                  order: 'asc',
                  nulls: 'last',
                  opclass: 'varchar_pattern_ops',
                  collation: null,
                },
              ],
            }),
          ],
        },
      ),
    );
  }
  return model({ tables });
}
