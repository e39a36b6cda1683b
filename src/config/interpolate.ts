const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * `${VAR}` interpolation in config values, as in docker compose: `${VAR}` is the variable
 * (an error when it is not set), `${VAR:-fallback}` uses the fallback when it is unset or
 * empty, and `$${` is a literal `${`. A lone `$` (e.g. `$1` in SQL) is left alone.
 * `malformed` is true when a `${` is not followed by a valid reference (e.g. `${1X}`).
 */
export function interpolate(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
): { value: string; missing: string[]; malformed: boolean } {
  const missing: string[] = [];
  const value = text.replaceAll(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
    if (match === '$${') return '${';
    const found = env[name!];
    if (fallback !== undefined) return found ? found : fallback;
    if (found === undefined) {
      missing.push(name!);
      return '';
    }
    return found;
  });
  const malformed = text.replaceAll(REFERENCE, '').includes('${');
  return { value, missing, malformed };
}
