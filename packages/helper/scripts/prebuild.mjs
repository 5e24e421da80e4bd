#!/usr/bin/env node
// Build bin/pg-helper of the platform packages (@pg/helper-linux-x64, @pg/helper-linux-arm64)
// from src/helper.c: the repository's build (@pg/helper's `build` script) runs it for both.
//
//   node scripts/prebuild.mjs PACKAGE_DIR... [--out FILE]
//
// Each target is its package's own `os` and `cpu`; the binary goes to PACKAGE_DIR/bin/pg-helper
// (or FILE, with one package: a fresh build to compare). It is static (`-static-pie`, else
// `-static`): no dynamic loader, so one file serves glibc and musl systems (Alpine). It is
// reproducible: stripped, no build id, the source directory mapped away (`-ffile-prefix-map`),
// SOURCE_DATE_EPOCH fixed, so the same compiler gives the same bytes. The compiler is the
// machine's own (`$CC`, cc, gcc, clang) when the target is this machine's architecture, else the
// GNU cross compiler `<triple>-gcc` (Debian: gcc-aarch64-linux-gnu and libc6-dev-arm64-cross).
// No compiler, or no static C library, is not an error here (a developer's install goes on, and
// says so in one line); a platform package's `prepack` refuses to pack it without its binary
// (check-prebuilt.mjs). A compiler that fails is an error.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { compile, findCompiler, hasStaticLibc, packageDir } from './compiler.mjs';

/** GNU triples of the architectures with a platform package. */
const TRIPLES = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' };

/** Debian's name for an architecture's cross C library package (libc6-dev-<arch>-cross). */
const DEBIAN_ARCH = { x64: 'amd64', arm64: 'arm64' };

function parseArgs(argv) {
  const dirs = [];
  let out;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && i + 1 < argv.length) out = resolve(argv[++i]);
    else if (argv[i].startsWith('-')) throw new Error(`prebuild: unknown option ${JSON.stringify(argv[i])}; expected PACKAGE_DIR... [--out FILE]`);
    else dirs.push(resolve(argv[i]));
  }
  if (dirs.length === 0 || (out !== undefined && dirs.length > 1)) throw new Error('prebuild: expected PACKAGE_DIR... (one, with --out FILE)');
  return { dirs, out };
}

/** Builds `dir`'s bin/pg-helper (or `out`); returns without a binary, saying why in one line, when no toolchain is there. */
function prebuild(dir, out = join(dir, 'bin', 'pg-helper')) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const [os] = manifest.os ?? [];
  const [cpu] = manifest.cpu ?? [];
  const triple = TRIPLES[cpu];
  if (os !== 'linux' || triple === undefined) throw new Error(`${manifest.name}: no way to build pg-helper for os ${os}, cpu ${cpu} (expected linux and one of ${Object.keys(TRIPLES).join(', ')})`);
  const native = process.platform === 'linux' && process.arch === cpu;
  const compiler = native ? findCompiler() : findCompiler([`${triple}-gcc`], undefined);
  const rebuild = 'install it and run npm run build -w @pg/helper';
  if (compiler === undefined) {
    const wanted = native ? 'C compiler (cc, gcc, clang or $CC)' : `cross compiler ${triple}-gcc (Debian: gcc-${triple.replace('_', '-')} libc6-dev-${DEBIAN_ARCH[cpu]}-cross)`;
    console.log(`${manifest.name}: pg-helper not built, no ${wanted} found; ${rebuild}.`);
    return;
  }
  if (!hasStaticLibc(compiler)) {
    const wanted = native ? 'libc6-dev' : `libc6-dev-${DEBIAN_ARCH[cpu]}-cross`;
    console.log(`${manifest.name}: pg-helper not built, ${compiler[0]} has no static C library (libc.a; Debian: ${wanted}); ${rebuild}.`);
    return;
  }
  mkdirSync(dirname(out), { recursive: true });
  const reproducible = ['-O2', '-s', '-Wl,--build-id=none', `-ffile-prefix-map=${packageDir}=.`];
  const env = { ...process.env, SOURCE_DATE_EPOCH: process.env.SOURCE_DATE_EPOCH ?? '0', LC_ALL: 'C' };
  // -static-pie keeps address-space randomisation; a toolchain without rcrt1.o links -static.
  if (!compile(compiler, [...reproducible, '-static-pie'], out, { quiet: true, env })) compile(compiler, [...reproducible, '-static'], out, { env });
}

function main() {
  const { dirs, out } = parseArgs(process.argv.slice(2));
  for (const dir of dirs) prebuild(dir, out);
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
