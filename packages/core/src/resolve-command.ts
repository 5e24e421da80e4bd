import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { SpawnError } from './errors/index.js';
import { resolveWindowsCommand } from './resolve-command-windows.js';

/**
 * The absolute path of `file`, found the way `execvp` would (on Windows: `resolveWindowsCommand`, with PATHEXT): as given when it contains a slash
 * (relative to `cwd`), else the first executable regular file in `PATH`. Resolving before the
 * spawn means a missing command fails with a clear error and nothing is created (no group, no
 * child), and backends that must exec an absolute path (illumos contracts: one fork per PATH
 * entry otherwise) get one.
 */
export function resolveCommand(file: string, env: NodeJS.ProcessEnv, cwd: string | undefined): string {
  if (process.platform === 'win32') return resolveWindowsCommand(file, env, cwd);
  const base = cwd ?? process.cwd();
  if (file.includes('/')) {
    const path = isAbsolute(file) ? file : resolve(base, file);
    const problem = executableProblem(path);
    if (problem === undefined) return path;
    throw new SpawnError(`cannot run ${JSON.stringify(file)}: ${problem.message}`, { errno: problem.code });
  }
  const dirs = (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter).filter((d) => d !== '');
  let denied: string | undefined;
  for (const dir of dirs) {
    const path = resolve(base, join(dir, file));
    const problem = executableProblem(path);
    if (problem === undefined) return path;
    // As execvp: a file that exists but may not be run makes the result EACCES; a directory
    // this user cannot search (say /root/.cargo/bin in the PATH of a process that dropped root)
    // simply does not have the command.
    if (problem.exists) denied ??= path;
  }
  if (denied !== undefined) {
    throw new SpawnError(`cannot run ${JSON.stringify(file)}: ${denied} is not executable (EACCES)`, { errno: 'EACCES' });
  }
  throw new SpawnError(`command not found: ${JSON.stringify(file)} is in none of the PATH directories (${dirs.join(delimiter)})`, {
    errno: 'ENOENT',
  });
}

interface Problem {
  readonly code: string;
  readonly message: string;
  /** The file exists (it is the permission or the file type that is wrong). */
  readonly exists: boolean;
}

function executableProblem(path: string): Problem | undefined {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'ENOENT';
    return { code, message: code === 'ENOENT' ? `${path} does not exist (ENOENT)` : `${path}: ${code}`, exists: false };
  }
  if (!isFile) return { code: 'EACCES', message: `${path} is not a regular file (EACCES)`, exists: true };
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return { code: 'EACCES', message: `${path} is not executable (EACCES)`, exists: true };
  }
  return undefined;
}
