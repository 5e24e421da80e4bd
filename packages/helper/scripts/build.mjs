#!/usr/bin/env node
// pg-helper from source: compile src/helper.c to build/pg-helper (and, on request,
// build/pg-helper-asan). This is the `pg-helper-build` command of @pg/helper, for a machine
// with no prebuilt platform package (an architecture other than x64 and arm64), and for
// development.
//
//   pg-helper-build [--out-dir DIR] [--sanitize] [--if-no-prebuilt]
//
// The compiler is $CC (a command, possibly with arguments, as make reads it), else the first of
// cc, gcc, clang on PATH. No compiler is not an error: the package then has no helper, says so
// in one line, and findHelper() explains it at run time. A compiler that fails is an error.
// `--if-no-prebuilt` (the package's own build) skips the binary when this machine's platform
// package (@pg/helper-linux-x64…) has its bin/pg-helper: that is the helper findHelper() uses.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { compile, findCompiler, packageDir } from './compiler.mjs';

const NO_COMPILER =
  '@pg/helper: no C compiler found (cc, gcc, clang or $CC); pg-helper is not built. ' +
  'Install one (apt-get install gcc, apk add gcc musl-dev) and run npx pg-helper-build.';

function parseArgs(argv) {
  const options = { sanitize: process.env.PG_HELPER_SANITIZE === '1', outDir: join(packageDir, 'build'), ifNoPrebuilt: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--sanitize') options.sanitize = true;
    else if (argv[i] === '--if-no-prebuilt') options.ifNoPrebuilt = true;
    else if (argv[i] === '--out-dir' && i + 1 < argv.length) options.outDir = resolve(argv[++i]);
    else throw new Error(`pg-helper-build: unknown argument ${JSON.stringify(argv[i])}; expected --out-dir DIR, --sanitize or --if-no-prebuilt`);
  }
  return options;
}

/** This machine's prebuilt pg-helper, as findHelper() resolves it, or undefined. */
function prebuilt() {
  try {
    return createRequire(join(packageDir, 'package.json')).resolve(`@pg/helper-${process.platform}-${process.arch}/bin/pg-helper`);
  } catch (error) {
    if (error.code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const skipHelper = options.ifNoPrebuilt && prebuilt() !== undefined;
  if (skipHelper && !options.sanitize) return;
  const compiler = findCompiler();
  if (compiler === undefined) {
    console.log(NO_COMPILER);
    return;
  }
  mkdirSync(options.outDir, { recursive: true });
  if (!skipHelper) {
    // Linked statically where the C library allows it (libc.a): every group pays the helper's
    // exec, and a static one skips the dynamic loader's work, about half of it (BENCHMARKS.md).
    // Otherwise, or with PG_HELPER_DYNAMIC=1, the usual dynamic link.
    const helper = join(options.outDir, 'pg-helper');
    if (process.env.PG_HELPER_DYNAMIC === '1' || !compile(compiler, ['-O2', '-static-pie'], helper, { quiet: true })) compile(compiler, ['-O2'], helper);
    if (!options.ifNoPrebuilt) {
      const hint = options.outDir === join(packageDir, 'build') ? 'findHelper() uses it when no prebuilt platform package is installed' : `set PG_HELPER=${helper} to use it`;
      console.log(`pg-helper-build: built ${helper}; ${hint}.`);
    }
  }
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
