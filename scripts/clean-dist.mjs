// tsc never deletes: a module removed or moved in src/ would stay in dist/ (a command
// removed from src/commands would still be listed), so the build starts from nothing.
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
rmSync(new URL('../oclif.manifest.json', import.meta.url), { force: true });
