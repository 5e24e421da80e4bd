import { existsSync } from 'node:fs';

let found: string | undefined;

/**
 * `ps` by absolute path, never looked up in the caller's PATH (STYLE.md: absolute tool paths):
 * /bin/ps (Linux, macOS, BSDs) or /usr/bin/ps (illumos, some Linux). Found once.
 */
export function psPath(): string {
  found ??= ['/bin/ps', '/usr/bin/ps'].find((path) => existsSync(path)) ?? '/bin/ps';
  return found;
}
