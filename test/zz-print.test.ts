import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import { stringify } from 'yaml';
import { converge, modelsFromYaml } from './support/convergence.js';
import { serverUrl, testDatabase } from './support/db.js';
import { reusedScratch } from './support/reused-scratch.js';

const dirs = (process.env.CASES ?? '').split(',').filter(Boolean);
const read = (dir: string, file: string) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8') : '');
it('prints', async () => {
  const dev = reusedScratch(serverUrl());
  const db = await testDatabase();
  for (const dir of dirs) {
    const shared = read(dir, 'shared.yaml');
    const from = await modelsFromYaml(read(dir, 'from.yaml'), shared);
    const to = await modelsFromYaml(read(dir, 'to.yaml'), shared);
    const r = await converge(db.client, dev, from, to, 'p');
    const t = r.plans.tenant;
    const hz = [...new Set(t.hazards.map((h) => h.kind))].sort();
    const doc = stringify(
      { up: t.up.map((s) => s.sql), down: t.down.map((s) => s.sql), ...(hz.length ? { hazards: hz } : {}) },
      { lineWidth: 0 },
    );
    if (process.env.WRITE) writeFileSync(join(dir, 'expect.yaml'), doc);
    console.log(
      `#### ${dir}\n${stringify({ up: t.up.map((s) => s.sql), down: t.down.map((s) => s.sql), ...(hz.length ? { hazards: hz } : {}) }, { lineWidth: 0 })}`,
    );
  }
  await dev.close();
}, 120000);
