import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleCopy } from '../cli/project.js';
import { runCli } from '../cli/run-cli.js';
import { testDatabase } from '../support/db.js';
import { djangoProject, PYTHON, python } from './support.js';

if (!PYTHON) console.warn("Django not found (Debian's python3-django and python3-psycopg2): skipping the Django tests");

/** The ORM through django-tenants' search_path: a tenant's rows written and read back by Django. */
const ROUND_TRIP = `
import os, django
os.environ['DJANGO_SETTINGS_MODULE'] = 'proj.settings'
django.setup()
from decimal import Decimal
from django.utils import timezone
from booking.models import ServicesCategory, ServicesService, CustomersCustomer, BookingsBooking, BookingStatusChoices
cat = ServicesCategory.objects.create(name='Hair', order=1)
svc = ServicesService.objects.create(name='Cut', price=Decimal('30.00'), category=cat)
cus = CustomersCustomer.objects.create(first_name='Ada', email='ada@example.com')
now = timezone.now()
BookingsBooking.objects.create(service=svc, customer=cus, starts_at=now, ends_at=now + timezone.timedelta(hours=1))
b = BookingsBooking.objects.select_related('service__category', 'customer').get()
print(b.service.category.name, b.service.name, b.customer.first_name, b.status == BookingStatusChoices.PENDING, b.party_size)
`;

describe.skipIf(!PYTHON)('pgfleet codegen django', { timeout: 300_000 }, () => {
  let dir: string;
  let site: string;
  let db: Awaited<ReturnType<typeof testDatabase>>;
  const cli = async (args: string[], code = 0) => {
    const r = await runCli(args, { cwd: dir });
    expect(r.code, `pgfleet ${args.join(' ')}: ${r.stderr}`).toBe(code);
    return r;
  };
  const models = () => join(site, 'booking', 'pgfleet_models.py');

  beforeAll(async () => {
    db = await testDatabase();
    dir = await exampleCopy();
    site = join(dir, 'site');
    const config = await readFile(join(dir, 'pgfleet.yaml'), 'utf8');
    await writeFile(
      join(dir, 'pgfleet.yaml'),
      `${config}database: ${db.url}
tenants:
  query: SELECT schema_name FROM public.tenants_client
  register: INSERT INTO public.tenants_client (schema_name, name) VALUES ($1, $1)
`,
    );
    await cli(['migrate']);
    await cli(['tenant', 'create', 'acme']);
    await djangoProject(site, 'booking', db.url, 'acme,public');
  });

  it('writes models that Django accepts and that read and write a tenant through the search path', async () => {
    const r = await cli(['codegen', 'django', '--app', 'booking', '--out', models()]);
    expect(r.stdout).toMatch(/13 models, written/);
    const text = await readFile(models(), 'utf8');
    expect(text).toContain("db_table = 'bookings_booking'");
    expect(text).toContain('managed = False');
    expect(text).toContain(
      "staff = models.ForeignKey('StaffMember', models.DO_NOTHING, related_name='+', null=True, blank=True, db_column='staff_id')  # ON DELETE SET NULL in the database",
    );
    // A table of a `both` file is one class: the search path finds the tenant's.
    expect(text.match(/db_table = 'django_content_type'/g)).toHaveLength(1);

    const check = await python(['manage.py', 'check'], site);
    expect(check.stderr).toBe('');
    expect(check.stdout).toContain('System check identified no issues');

    const orm = await python(['-c', ROUND_TRIP], site);
    expect(orm.stderr).toBe('');
    expect(orm.stdout.trim()).toBe('Hair Cut Ada True 1');
    // The rows are the tenant's, not the shared schema's.
    const { rows } = await db.client.query('SELECT count(*)::int AS n FROM acme.bookings_booking');
    expect(rows[0].n).toBe(1);
  });

  it('--check is the CI gate: current exits 0; after a model change, 1 until regenerated (the adoption test migrates and uses such a change)', async () => {
    await cli(['codegen', 'django', '--app', 'booking', '--out', models()]);
    const current = await cli(['codegen', 'django', '--app', 'booking', '--out', models(), '--check']);
    expect(current.stdout).toContain('current');
    const services = join(dir, 'schema', 'tenant', 'services.yaml');
    const yaml = await readFile(services, 'utf8');
    await writeFile(
      services,
      yaml.replace(
        '      is_active: { type: boolean, default: true }\n',
        '      is_active: { type: boolean, default: true }\n      icon:      { type: varchar(50), default: "" }\n',
      ),
    );
    const before = await readFile(models(), 'utf8');
    const stale = await cli(['codegen', 'django', '--app', 'booking', '--out', models(), '--check'], 1);
    expect(stale.stdout).toContain('is stale');
    expect(await readFile(models(), 'utf8')).toBe(before);

    await cli(['codegen', 'django', '--app', 'booking', '--out', models()]);
    await cli(['codegen', 'django', '--app', 'booking', '--out', models(), '--check']);
    expect(await readFile(models(), 'utf8')).toContain("icon = models.CharField(max_length=50, default='')");
    const check = await python(['manage.py', 'check'], site);
    expect(check.stdout).toContain('System check identified no issues');
  });

  it('needs --app or --out (exit 2)', async () => {
    const r = await cli(['codegen', 'django'], 2);
    expect(r.stderr).toContain('needs --app or --out');
  });
});
