// Finding a C compiler and compiling src/helper.c with it: what the source build (build.mjs,
// `npx pg-helper-build`) and the prebuilt platform packages (prebuild.mjs) share.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, renameSync, rmSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This package's directory (packages/helper, or node_modules/@pg/helper once installed). */
export const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const source = join(packageDir, 'src', 'helper.c');
const STRICT = ['-std=c11', '-D_GNU_SOURCE', '-Wall', '-Wextra', '-Werror'];

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The absolute path of `name` on PATH (or `name` itself when it holds a `/`), else undefined. */
export function onPath(name, path = process.env.PATH ?? '') {
  if (name.includes('/')) return executable(name) ? name : undefined;
  for (const dir of path.split(delimiter)) {
    if (dir !== '' && isAbsolute(dir) && executable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * `[file, ...args]` of the compiler: `$CC` (a command, possibly with arguments, as make reads
 * it), else the first of `names` on PATH; undefined when there is none. Throws when $CC is set
 * but is not an executable: that is a mistake to report, not "no compiler".
 */
export function findCompiler(names = ['cc', 'gcc', 'clang'], cc = process.env.CC?.trim()) {
  if (cc) {
    const [name, ...args] = cc.split(/\s+/);
    const file = onPath(name);
    if (file === undefined) throw new Error(`$CC is ${JSON.stringify(cc)}, but ${name} is not an executable on PATH`);
    return [file, ...args];
  }
  for (const name of names) {
    const file = onPath(name);
    if (file !== undefined) return [file];
  }
  return undefined;
}

/**
 * Whether the compiler's C library has a static archive (libc.a): gcc and clang print the full
 * path of a file they would link, and just its name when they have none.
 */
export function hasStaticLibc([cc, ...ccArgs]) {
  const result = spawnSync(cc, [...ccArgs, '-print-file-name=libc.a'], { encoding: 'utf8' });
  return result.status === 0 && isAbsolute(result.stdout.trim());
}

/**
 * Compiles src/helper.c with the strict flags plus `flags` to a temporary name, then renames:
 * a running test never execs a half-written binary. With `quiet`, a failure returns false and
 * prints nothing (for a link that is allowed to fail); otherwise it throws.
 */
export function compile([cc, ...ccArgs], flags, output, { quiet = false, env = process.env } = {}) {
  const partial = `${output}.partial-${process.pid}`;
  const result = spawnSync(cc, [...ccArgs, ...STRICT, ...flags, '-o', partial, source], { stdio: quiet ? 'ignore' : 'inherit', env });
  if (result.error !== undefined || result.status !== 0) {
    rmSync(partial, { force: true });
    if (quiet) return false;
    const why = result.error?.message ?? (result.signal ? `signal ${result.signal}` : `exit code ${result.status}`);
    throw new Error(`@pg/helper: ${cc} failed to compile ${source} (${why})`);
  }
  renameSync(partial, output);
  return true;
}
