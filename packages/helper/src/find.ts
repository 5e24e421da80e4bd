import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HelperError } from './errors.js';

/** Where `findHelper()` looked, and what it found. */
export type FindHelperResult = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

/** A platform as Node names it (`process.platform`, `process.arch`). */
export interface HelperHost {
  readonly platform: string;
  readonly arch: string;
}

const requireHere = createRequire(import.meta.url);

/**
 * The pg-helper binary to use, first found of:
 * 1. `PG_HELPER`, when set: it must be an absolute path to an executable file, and there is no
 *    fallback when it is not (a wrong override is reported, never silently replaced);
 * 2. the prebuilt binary of this platform's optional package, `@pg/helper-linux-x64` or
 *    `@pg/helper-linux-arm64` (static: glibc and musl alike), which npm installs with
 *    `@pg/helper` on those platforms;
 * 3. this package's `build/pg-helper`, compiled from source by `npx pg-helper-build`.
 *
 * Never throws. Linux only. When nothing is found, `reason` says what a user can do in their own
 * app: which platform package is missing (or that none exists for this platform), how to build
 * one, and how to point `PG_HELPER` at a binary.
 */
export function findHelper(env: NodeJS.ProcessEnv = process.env): FindHelperResult {
  return findHelperOn({ platform: process.platform, arch: process.arch }, env);
}

/**
 * `path` when given, else `findHelper()`'s binary.
 * @throws HelperError `'ENOHELPER'` saying why there is none.
 */
export function helperPathOr(path: string | undefined): string {
  if (path !== undefined) return path;
  const found = findHelper();
  if (!found.ok) throw new HelperError(`pg-helper is not available: ${found.reason}`, 'ENOHELPER');
  return found.path;
}

/** `findHelper()` as it answers on `host` (tests use it to see another platform's answer). */
export function findHelperOn(host: HelperHost, env: NodeJS.ProcessEnv = process.env): FindHelperResult {
  const override = env.PG_HELPER;
  if (override !== undefined && override !== '') {
    if (!isAbsolute(override)) return { ok: false, reason: `PG_HELPER must be an absolute path; it is ${JSON.stringify(override)}` };
    const problem = notExecutable(override);
    if (problem !== undefined) return { ok: false, reason: `PG_HELPER=${override} ${problem}` };
    return { ok: true, path: override };
  }
  if (host.platform !== 'linux') return { ok: false, reason: `pg-helper is Linux-only; this is ${host.platform}` };
  const name = `@pg/helper-${host.platform}-${host.arch}`;
  const prebuilt = resolvePrebuilt(name);
  if (prebuilt !== undefined) {
    const problem = notExecutable(prebuilt);
    if (problem === undefined) return { ok: true, path: prebuilt };
    return { ok: false, reason: `${prebuilt} (from ${name}) ${problem}: reinstall ${name}${alternatives(env)}` };
  }
  // From dist/index.js and from src/*.ts alike, ../build is the package's build directory.
  const built = fileURLToPath(new URL('../build/pg-helper', import.meta.url));
  if (notExecutable(built) === undefined) return { ok: true, path: built };
  const { version, optionalDependencies = {} } = ownManifest();
  const platforms = Object.keys(optionalDependencies).map((dep) => dep.replace('@pg/helper-', ''));
  const missing =
    name in optionalDependencies
      ? `${name}, the prebuilt pg-helper for ${host.platform}-${host.arch}, is not installed: it is an optional dependency of @pg/helper, ` +
        `which npm skips with --omit=optional (or a lockfile made on another platform); add it with npm install ${name}@${version}`
      : `there is no prebuilt pg-helper for ${host.platform}-${host.arch} (only for ${platforms.join(', ')})`;
  return { ok: false, reason: `no pg-helper: ${missing}${alternatives(env)}` };
}

/** The two remedies that need no platform package: a build from source, or PG_HELPER. */
function alternatives(env: NodeJS.ProcessEnv): string {
  const compiler = compilerOnPath(env);
  const build =
    compiler === undefined
      ? 'needs a C compiler, and none is on PATH (cc, gcc, clang or $CC): install one, e.g. apt-get install gcc or apk add gcc musl-dev'
      : `with ${compiler}`;
  return `; or build it from source with \`npx pg-helper-build\` (${build}); or set PG_HELPER to the absolute path of a pg-helper binary`;
}

/** The platform package's binary, or undefined when the package is not installed. */
function resolvePrebuilt(name: string): string | undefined {
  try {
    return requireHere.resolve(`${name}/bin/pg-helper`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') return undefined;
    throw error;
  }
}

function ownManifest(): { version: string; optionalDependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; optionalDependencies?: Record<string, string> };
}

/** `$CC`, else the first of cc, gcc, clang on `env.PATH`, as `pg-helper-build` looks for it. */
function compilerOnPath(env: NodeJS.ProcessEnv): string | undefined {
  const cc = env.CC?.trim();
  if (cc) return `$CC (${cc})`;
  const dirs = (env.PATH ?? '').split(delimiter).filter((dir) => dir !== '' && isAbsolute(dir));
  for (const name of ['cc', 'gcc', 'clang']) {
    for (const dir of dirs) if (notExecutable(join(dir, name)) === undefined) return join(dir, name);
  }
  return undefined;
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
