import { accessSync, constants, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `findHelper()` looked, and what it found. */
export type FindHelperResult = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

const BUILD_HINT = 'build it with `npm run build -w @pg/helper` (needs a C compiler: cc, gcc, clang or $CC)';

/**
 * The pg-helper binary to use: `PG_HELPER` when set (it must be an absolute path to an executable
 * file; there is no fallback when it is not), else this package's `build/pg-helper`, compiled by
 * the package's build. Never throws; `reason` says what is wrong and how to fix it.
 */
export function findHelper(env: NodeJS.ProcessEnv = process.env): FindHelperResult {
  const override = env.PG_HELPER;
  if (override !== undefined && override !== '') {
    if (!isAbsolute(override)) return { ok: false, reason: `PG_HELPER must be an absolute path; it is ${JSON.stringify(override)}` };
    const problem = notExecutable(override);
    if (problem !== undefined) return { ok: false, reason: `PG_HELPER=${override} ${problem}` };
    return { ok: true, path: override };
  }
  // From dist/index.js and from src/*.ts alike, ../build is the package's build directory.
  const built = fileURLToPath(new URL('../build/pg-helper', import.meta.url));
  const problem = notExecutable(built);
  if (problem !== undefined) return { ok: false, reason: `${built} ${problem}: ${BUILD_HINT}` };
  return { ok: true, path: built };
}

function notExecutable(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return 'is not a regular file';
    accessSync(path, constants.X_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'does not exist';
    if (code === 'EACCES') return 'is not executable';
    if (typeof code === 'string') return `cannot be used (${code})`;
    throw error;
  }
}
