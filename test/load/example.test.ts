import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { loadModel, unknownTypes } from '../../src/load/index.js';
import { testDatabase } from '../support/db.js';

describe('the example model (pgfleet.yaml and schema/ at the repository root)', () => {
  it('loads without a problem and has the booking tables', async () => {
    const config = await loadConfig({ cwd: process.cwd(), env: {} });
    const { shared, tenant, sources } = await loadModel(config);
    expect(shared.extensions.map((e) => e.name)).toEqual(['citext']);
    expect(shared.tables.map((t) => t.name)).toEqual([
      'django_content_type',
      'tenants_client',
      'tenants_domain',
      'users_user',
    ]);
    expect(tenant.tables.map((t) => t.name)).toEqual([
      'bookings_booking',
      'customers_customer',
      'django_content_type',
      'payments_payment',
      'reviews_review',
      'services_category',
      'services_service',
      'staff_availability',
      'staff_member',
      'staff_member_services',
    ]);
    expect(tenant.enums.map((e) => e.name)).toEqual(['booking_status', 'payment_method']);
    expect(tenant.sequences.map((s) => s.name)).toEqual(['payments_invoice_number_seq']);

    const booking = tenant.tables.find((t) => t.name === 'bookings_booking')!;
    expect(booking.columns.find((c) => c.name === 'status')).toMatchObject({
      type: 'booking_status',
      default: "'pending'",
    });
    expect(booking.checks.map((c) => c.expression)).toEqual(['ends_at > starts_at', 'party_size > 0']);
    expect(booking.foreignKeys.map((f) => [f.columns[0], f.refTable, f.refColumns[0], f.onDelete])).toEqual([
      ['service_id', 'services_service', 'id', 'restrict'],
      ['customer_id', 'customers_customer', 'id', 'cascade'],
      ['staff_id', 'staff_member', 'id', 'set null'],
    ]);
    const open = booking.indexes.find((i) => i.name === 'bookings_booking_open_idx')!;
    expect(open.where).toBe("status IN ('pending', 'confirmed')");
    expect(booking.indexes.find((i) => i.name === 'bookings_booking_starts_idx')!.elements[0]).toMatchObject({
      order: 'desc',
      nulls: 'first',
    });
    const staff = tenant.tables.find((t) => t.name === 'staff_member')!;
    expect(staff.foreignKeys[0]).toMatchObject({
      refTable: 'shared.users_user',
      refColumns: ['id'],
      onDelete: 'cascade',
    });
    const domain = shared.tables.find((t) => t.name === 'tenants_domain')!;
    expect(domain.foreignKeys[0].deferrable).toBe('deferrable initially deferred');
    const service = tenant.tables.find((t) => t.name === 'services_service')!;
    expect(service.columns.find((c) => c.name === 'price')!.type).toBe('numeric(10,2)');
    expect(service.indexes.find((i) => i.name === 'services_service_recent_idx')!.concurrently).toBe(true);

    expect(sources.find('tenant', ['tables', 'services_service', 'columns', 'price'])).toEqual({
      file: 'schema/tenant/services.yaml',
      line: 18, // after `slug` (the example's code migration fills it)
      col: 7,
    });
    expect(sources.find('shared', ['extensions', 'citext'])?.file).toBe('schema/shared/users.yaml');
    expect(sources.find('tenant', ['tables', 'django_content_type'])?.file).toBe('schema/shared/contenttypes.yaml');
  });

  it('has only types Postgres knows (with citext created from `extensions`)', async () => {
    const { client } = await testDatabase();
    const loaded = await loadModel(await loadConfig({ cwd: process.cwd(), env: {} }));
    expect(await unknownTypes(loaded, client, loaded.sources)).toEqual([]);
    // Everything was rolled back.
    const { rows } = await client.query("SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'citext'");
    expect(rows[0].n).toBe(0);
  });
});
