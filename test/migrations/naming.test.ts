import { describe, expect, it } from 'vitest';
import { migrationName } from '../../src/migrations/migration-name.js';
import { nextVersion } from '../../src/migrations/next-version.js';
import { column, enumType, index, table } from '../../src/model/build.js';
import type { Change } from '../../src/model/changes.js';

describe('nextVersion', () => {
  it.each([
    [[], '0001'],
    [['0001'], '0002'],
    [['0001', '0009', '0003'], '0010'],
    [['9998', '9999'], '10000'],
    [['10000', '0002'], '10001'],
  ])('after %j is %s', (versions, next) => {
    expect(nextVersion(versions.map((version) => ({ version })))).toBe(next);
  });
});

describe('migrationName', () => {
  const capacity = column('capacity', 'integer');
  const bookings = table('bookings_booking', [column('id', 'bigint')]);

  it.each<[string, Change[], string]>([
    [
      'one added column',
      [{ kind: 'add_column', table: 'services_service', column: capacity }],
      'add_services_service_capacity',
    ],
    ['a new table', [{ kind: 'create_table', table: bookings }], 'create_bookings_booking'],
    [
      'several changes',
      [
        { kind: 'create_table', table: bookings },
        { kind: 'create_index', table: 'bookings_booking', index: index('bookings_booking_id_idx', ['id']) },
      ],
      'create_bookings_booking_and_more',
    ],
    ['a dropped column', [{ kind: 'drop_column', table: 't', column: capacity }], 'drop_t_capacity'],
    ['a renamed table', [{ kind: 'rename_table', from: 'old', to: 'new' }], 'rename_old_to_new'],
    [
      'new enum values',
      [{ kind: 'add_enum_values', from: enumType('status', ['a']), to: enumType('status', ['a', 'b']), usages: [] }],
      'add_status_values',
    ],
    [
      'an unnamed foreign key',
      [
        {
          kind: 'add_constraint',
          table: 'tasks',
          constraint: {
            kind: 'foreignKey',
            name: null,
            columns: ['owner_id'],
            refTable: 'shared.users',
            refColumns: ['id'],
            onDelete: 'cascade',
            onUpdate: 'no action',
            deferrable: 'not deferrable',
          },
        },
      ],
      'add_tasks_owner_id_fkey',
    ],
    [
      'names that need quoting',
      [{ kind: 'add_column', table: 'Order Items', column: column('Unit-Price', 'numeric') }],
      'add_order_items_unit_price',
    ],
    ['no changes', [], 'empty'],
  ])('%s', (_label, changes, name) => {
    expect(migrationName(changes)).toBe(name);
  });

  it('stays within 50 characters of [a-z0-9_], cutting between words', () => {
    const long = table('a_very_long_table_name_that_keeps_going_and_going_on', []);
    const one = migrationName([{ kind: 'create_table', table: long }]);
    const more = migrationName([
      { kind: 'create_table', table: long },
      { kind: 'drop_table', table: long },
    ]);
    for (const name of [one, more]) {
      expect(name.length).toBeLessThanOrEqual(50);
      expect(name).toMatch(/^[a-z0-9]+(_[a-z0-9]+)*$/);
    }
    expect(one).toBe('create_a_very_long_table_name_that_keeps_going_and');
    expect(more).toBe('create_a_very_long_table_name_that_keeps_and_more');
  });

  it('falls back to a plain name when nothing readable is left', () => {
    expect(migrationName([{ kind: 'create_table', table: table('表', []) }])).toBe('create');
  });
});
