import { statSync } from 'node:fs';
import { win32 as path } from 'node:path';
import { SpawnError } from './errors/index.js';

/**
 * The absolute path of `file` found the way a Windows user expects (and as cross-spawn and
 * `where` do): a name with a directory part is taken relative to `cwd`, a bare name is searched
 * in each `PATH` directory; in both, a name without one of `PATHEXT`'s extensions is tried with
 * each of them in order (`npm` → `npm.cmd`), so npm's `.cmd` shims are found. The current
 * directory is not searched first (cmd.exe does; a planted `git.exe` in a checkout must not run).
 * Environment names are matched without regard to case (`Path`, `PATHEXT`), as Windows does.
 */
export function resolveWindowsCommand(file: string, env: NodeJS.ProcessEnv, cwd: string | undefined): string {
  const base = cwd ?? process.cwd();
  const exts = (lookup(env, 'PATHEXT') ?? '.COM;.EXE;.BAT;.CMD').split(';').filter((e) => e !== '');
  const named = exts.some((e) => file.toUpperCase().endsWith(e.toUpperCase()));
  const candidates = (stem: string) => (named ? [stem] : [...exts.map((e) => stem + e.toLowerCase()), stem]);
  if (/[\\/]/.test(file) || path.isAbsolute(file)) {
    const stem = path.resolve(base, file);
    const found = candidates(stem).find(isFile);
    if (found !== undefined) return found;
    throw new SpawnError(`cannot run ${JSON.stringify(file)}: ${stem} does not exist, with or without ${exts.join(', ')} (ENOENT)`, { errno: 'ENOENT' });
  }
  const dirs = (lookup(env, 'PATH') ?? '').split(';').filter((d) => d !== '');
  for (const dir of dirs) {
    const found = candidates(path.resolve(base, dir.replace(/^"(.*)"$/, '$1'), file)).find(isFile);
    if (found !== undefined) return found;
  }
  throw new SpawnError(`command not found: ${JSON.stringify(file)} (with ${exts.join(', ')}) is in none of the PATH directories (${dirs.join(';')})`, { errno: 'ENOENT' });
}

function lookup(env: NodeJS.ProcessEnv, name: string): string | undefined {
  for (const [key, value] of Object.entries(env)) if (key.toUpperCase() === name && value !== undefined) return value;
  return undefined;
}

function isFile(candidate: string): boolean {
  try {
    return statSync(candidate).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM') return false;
    throw error;
  }
}
