import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempProject } from '../cli/project.js';
import { runCli } from '../cli/run-cli.js';
import { testDatabase } from '../support/db.js';
import { djangoProject, PYTHON, python } from './support.js';

/** The application's own app, as its team wrote it before pgfleet: Django made its tables. */
const SHOP_MODELS = `from django.db import models


class Product(models.Model):
    name = models.CharField(max_length=100)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    created = models.DateTimeField(auto_now_add=True)


class Order(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField(default=1)
`;

const TENANTS = ['tenant_a', 'tenant_b'];

/**
 * A django-tenants team adopts pgfleet: Django built the database (auth, contenttypes and
 * the shop app in the shared schema and in every tenant, with Django's own migrations);
 * pgfleet takes over the shop's tables and leaves Django's built-in apps to Django.
 */
describe.skipIf(!PYTHON)('adopting a database Django built, with the django preset', { timeout: 600_000 }, () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let dir: string;
  let site: string;
  const cli = async (args: string[], code = 0) => {
    const r = await runCli(args, { cwd: dir });
    expect(r.code, `pgfleet ${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(code);
    return r;
  };
  const manage = async (args: string[], searchPath: string) => {
    await djangoProject(site, 'shop', db.url, searchPath);
    const r = await python(['manage.py', ...args], site);
    expect(r.code, `manage.py ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r;
  };
  const driftClean = async () => {
    const r = await cli(['drift']);
    expect(r.stdout).toMatch(/ 0 drifted/);
  };

  beforeAll(async () => {
    db = await testDatabase();
    dir = await tempProject(
      {},
      `database: ${db.url}
tenants:
  list: [${TENANTS.join(', ')}]
ignore:
  preset: django
`,
    );
    site = join(dir, 'site');
    await djangoProject(site, 'shop', db.url, 'public');
    await writeFile(join(site, 'shop', 'models.py'), SHOP_MODELS);
    await manage(['makemigrations', 'shop'], 'public');
    await manage(['migrate'], 'public');
    for (const t of TENANTS) {
      await db.client.query(`CREATE SCHEMA ${t}`);
      await manage(['migrate'], t);
    }
  });

  it('pull leaves Django’s apps out; baseline; drift clean', async () => {
    await cli(['pull']);
    const yaml = await allYaml(dir);
    expect(yaml).toContain('shop_product:');
    expect(yaml).toContain('shop_order:');
    expect(yaml).not.toMatch(/auth_|django_/);
    await cli(['validate']);
    await cli(['baseline']);
    await driftClean();
  });

  it('a model change: generate, migrate, Django’s tables untouched, drift clean', async () => {
    const tenantFile = (await readdir(join(dir, 'schema', 'tenant')))[0];
    const path = join(dir, 'schema', 'tenant', tenantFile);
    const yaml = await readFile(path, 'utf8');
    expect(yaml).toContain('      quantity:');
    await writeFile(path, yaml.replace(/( {6}quantity:[^\n]*\n)/, '$1      note:     { type: text, default: "" }\n'));
    await cli(['generate', '--name', 'order_note']);
    await cli(['migrate']);
    const { rows } = await db.client.query(
      "SELECT table_schema, count(*)::int AS n FROM information_schema.tables WHERE table_name LIKE 'auth\\_%' OR table_name LIKE 'django\\_%' GROUP BY 1 ORDER BY 1",
    );
    expect(rows).toEqual(['public', ...TENANTS].map((s) => ({ table_schema: s, n: rows[0].n })));
    const recorded = await db.client.query(
      "SELECT count(*)::int AS n FROM tenant_a.django_migrations WHERE app = 'shop'",
    );
    expect(recorded.rows[0].n).toBe(1);
    await driftClean();
  });

  it('models regenerated from the YAML: manage.py check and an ORM round trip in a tenant', async () => {
    await cli(['codegen', 'django', '--app', 'shop', '--out', join(site, 'shop', 'pgfleet_models.py')]);
    await writeFile(join(site, 'shop', 'models.py'), 'from .pgfleet_models import *  # noqa: F401,F403\n');
    await manage(['check'], 'tenant_a,public');
    const orm = await python(
      [
        '-c',
        `import os, django
os.environ['DJANGO_SETTINGS_MODULE'] = 'proj.settings'
django.setup()
from shop.models import ShopProduct, ShopOrder
from django.utils import timezone
p = ShopProduct.objects.create(name='Tea', price='3.50', created=timezone.now())
ShopOrder.objects.create(product=p, quantity=2, note='gift')
o = ShopOrder.objects.select_related('product').get()
print(o.product.name, o.quantity, o.note)`,
      ],
      site,
    );
    expect(orm.stderr).toBe('');
    expect(orm.stdout.trim()).toBe('Tea 2 gift');
    const { rows } = await db.client.query('SELECT note FROM tenant_a.shop_order');
    expect(rows).toEqual([{ note: 'gift' }]);
    await driftClean();
  });
});

async function allYaml(dir: string): Promise<string> {
  const out: string[] = [];
  for (const scope of ['shared', 'tenant']) {
    for (const f of await readdir(join(dir, 'schema', scope)))
      out.push(await readFile(join(dir, 'schema', scope, f), 'utf8'));
  }
  return out.join('\n');
}
