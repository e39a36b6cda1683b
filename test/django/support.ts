import { execFile, execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Debian's Django (python3-django, python3-psycopg2) runs under Debian's own python3, which
 * a pyenv or venv python3 earlier on PATH does not see: ask /usr/bin/python3 first.
 */
export const PYTHON = ['/usr/bin/python3', 'python3'].find((python) => {
  try {
    execFileSync(python, ['-c', 'import django, psycopg2'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

export interface PyResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function python(args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<PyResult> {
  return new Promise((resolve) => {
    execFile(
      PYTHON ?? 'python3',
      args,
      { cwd, env: { ...process.env, ...env }, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * A minimal Django project in `dir` with one app, `app`, whose models.py imports the module
 * pgfleet writes. The connection's search_path is the tenant's, then the shared schema, as
 * django-tenants sets it per request.
 */
export async function djangoProject(dir: string, app: string, databaseUrl: string, searchPath: string): Promise<void> {
  const u = new URL(databaseUrl);
  await mkdir(join(dir, 'proj'), { recursive: true });
  await mkdir(join(dir, app), { recursive: true });
  await writeFile(join(dir, 'proj', '__init__.py'), '');
  await writeFile(
    join(dir, 'proj', 'settings.py'),
    `SECRET_KEY = 'test'
DEBUG = False
USE_TZ = True
INSTALLED_APPS = ['django.contrib.contenttypes', 'django.contrib.auth', '${app}']
DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'
DATABASES = {'default': {
    'ENGINE': 'django.db.backends.postgresql',
    'NAME': '${decodeURIComponent(u.pathname.slice(1))}',
    'USER': '${decodeURIComponent(u.username)}',
    'PASSWORD': '${decodeURIComponent(u.password)}',
    'HOST': '${u.hostname}',
    'PORT': '${u.port}',
    'OPTIONS': {'options': '-c search_path=${searchPath}'},
}}
`,
  );
  await writeFile(join(dir, app, '__init__.py'), '');
  // The app's own models.py stays once written (a test may give the app models of its own).
  await writeFile(join(dir, app, 'models.py'), 'from .pgfleet_models import *  # noqa: F401,F403\n', {
    flag: 'wx',
  }).catch(() => {});
  await writeFile(
    join(dir, 'manage.py'),
    `import os, sys
os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')
from django.core.management import execute_from_command_line
execute_from_command_line(sys.argv)
`,
  );
}
