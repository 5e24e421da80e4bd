#!/usr/bin/env node
// Compile src/helper.c to build/pg-helper (and, on request, build/pg-helper-asan).
//
//   node scripts/build.mjs [--sanitize] [--out-dir DIR]
//
// The compiler is $CC (a command, possibly with arguments, as make reads it), else the first of
// cc, gcc, clang on PATH. No compiler is not an error: the package then has no helper, says so
// in one line, and findHelper() explains it at run time. A compiler that fails is an error.
// `npm rebuild` does not run a workspace's build script (it runs install and prepare scripts
// only), and turbo may replay a cached build: the command that rebuilds is the package's own.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, renameSync, rmSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(packageDir, 'src', 'helper.c');
const STRICT = ['-std=c11', '-D_GNU_SOURCE', '-Wall', '-Wextra', '-Werror'];
const NO_COMPILER =
  '@pg/helper: no C compiler found (cc, gcc, clang or $CC); the reaper backend and owner-death kills are unavailable. ' +
  'Install one (apt-get install gcc) and run npm run build -w @pg/helper.';

function parseArgs(argv) {
  const options = { sanitize: process.env.PG_HELPER_SANITIZE === '1', outDir: join(packageDir, 'build') };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--sanitize') options.sanitize = true;
    else if (argv[i] === '--out-dir' && i + 1 < argv.length) options.outDir = resolve(argv[++i]);
    else throw new Error(`unknown argument ${JSON.stringify(argv[i])}; expected --sanitize or --out-dir DIR`);
  }
  return options;
}

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name) {
  if (name.includes('/')) return executable(name) ? name : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && isAbsolute(dir) && executable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** `[file, ...args]` of the compiler, or undefined when there is none. Throws when $CC is set but missing. */
function findCompiler() {
  const cc = process.env.CC?.trim();
  if (cc) {
    const [name, ...args] = cc.split(/\s+/);
    const file = onPath(name);
    if (file === undefined) throw new Error(`$CC is ${JSON.stringify(cc)}, but ${name} is not an executable on PATH`);
    return [file, ...args];
  }
  for (const name of ['cc', 'gcc', 'clang']) {
    const file = onPath(name);
    if (file !== undefined) return [file];
  }
  return undefined;
}

/**
 * Compile to a temporary name, then rename: a running test never execs a half-written binary.
 * With `quiet`, a failure returns false and prints nothing (for the optional static link).
 */
function compile([cc, ...ccArgs], flags, output, { quiet = false } = {}) {
  const partial = `${output}.partial-${process.pid}`;
  const result = spawnSync(cc, [...ccArgs, ...STRICT, ...flags, '-o', partial, source], { stdio: quiet ? 'ignore' : 'inherit' });
  if (result.error !== undefined || result.status !== 0) {
    rmSync(partial, { force: true });
    if (quiet) return false;
    const why = result.error?.message ?? (result.signal ? `signal ${result.signal}` : `exit code ${result.status}`);
    throw new Error(`@pg/helper: ${cc} failed to compile ${source} (${why})`);
  }
  renameSync(partial, output);
  return true;
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const compiler = findCompiler();
  if (compiler === undefined) {
    console.log(NO_COMPILER);
    return;
  }
  mkdirSync(options.outDir, { recursive: true });
  // Linked statically where the C library allows it (Debian's libc6-dev ships libc.a): every
  // group pays the helper's exec, and a static one skips the dynamic loader's work, about half of
  // it (BENCHMARKS.md). Otherwise, or if that link fails, the usual dynamic link.
  const helper = join(options.outDir, 'pg-helper');
  if (process.env.PG_HELPER_DYNAMIC === '1' || !compile(compiler, ['-O2', '-static-pie'], helper, { quiet: true })) compile(compiler, ['-O2'], helper);
  if (options.sanitize) {
    compile(compiler, ['-fsanitize=address,undefined', '-fno-omit-frame-pointer', '-g', '-O1'], join(options.outDir, 'pg-helper-asan'));
  }
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
