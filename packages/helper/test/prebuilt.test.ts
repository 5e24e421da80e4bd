// The prebuilt pg-helpers of the platform packages (@pg/helper-linux-x64, -arm64), as the
// repository's build made them: each is an ELF executable for the machine its package claims,
// statically linked; the x64 one is byte-identical to a fresh build (reproducible); each runs a
// command and relays its exit status (arm64 through qemu-user, when installed: CI installs it);
// and packing refuses a package whose binary is missing or for another machine.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ELF_MACHINES, readElf } from '../scripts/elf.mjs';

const packages = fileURLToPath(new URL('../..', import.meta.url));
const scripts = fileURLToPath(new URL('../scripts', import.meta.url));
const CPUS = ['x64', 'arm64'] as const;
const binaryOf = (cpu: string) => join(packages, `helper-linux-${cpu}`, 'bin', 'pg-helper');
const scratch = mkdtempSync(join(tmpdir(), 'pg-helper-prebuilt-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** An absolute path on PATH, or undefined. */
function which(name: string): string | undefined {
  const found = spawnSync('/bin/sh', ['-c', 'command -v "$1"', 'sh', name], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}
const qemu = which('qemu-aarch64-static') ?? which('qemu-aarch64');

describe('prebuilt pg-helper', () => {
  for (const cpu of CPUS) {
    it(`@pg/helper-linux-${cpu}: an ELF executable for ${cpu} (e_machine ${ELF_MACHINES[cpu]}), statically linked`, () => {
      const manifest = JSON.parse(readFileSync(join(packages, `helper-linux-${cpu}`, 'package.json'), 'utf8')) as { os: string[]; cpu: string[] };
      expect(manifest).toMatchObject({ os: ['linux'], cpu: [cpu] });
      expect(readElf(binaryOf(cpu))).toEqual({ machine: ELF_MACHINES[cpu], cpu, static: true });
    });
  }

  it("every platform package has @pg/helper's version, and @pg/helper asks for exactly it", () => {
    const helper = JSON.parse(readFileSync(join(packages, 'helper', 'package.json'), 'utf8')) as { version: string; optionalDependencies: Record<string, string> };
    expect(helper.optionalDependencies).toEqual(Object.fromEntries(CPUS.map((cpu) => [`@pg/helper-linux-${cpu}`, helper.version])));
    for (const cpu of CPUS) {
      expect(JSON.parse(readFileSync(join(packages, `helper-linux-${cpu}`, 'package.json'), 'utf8'))).toMatchObject({ name: `@pg/helper-linux-${cpu}`, version: helper.version });
    }
  });

  it.skipIf(process.arch !== 'x64')('the x64 binary is byte-identical to a fresh build', () => {
    const fresh = join(scratch, 'fresh-x64');
    const built = spawnSync(process.execPath, [join(scripts, 'prebuild.mjs'), join(packages, 'helper-linux-x64'), '--out', fresh], { encoding: 'utf8' });
    expect([built.status, built.stdout, built.stderr]).toEqual([0, '', '']);
    expect(readFileSync(fresh).equals(readFileSync(binaryOf('x64')))).toBe(true);
  });

  it.skipIf(process.arch !== 'x64')('the x64 binary runs a command and ends with its status', () => {
    const ran = spawnSync(binaryOf('x64'), ['--', '/bin/sh', '-c', 'exit 3'], { encoding: 'utf8' });
    expect([ran.status, ran.stderr]).toEqual([3, '']);
  });

  // qemu-user runs the helper's own code as arm64; the /bin/sh it execs is this machine's, which
  // the kernel runs natively. (qemu 7.2 lacks PR_SET_CHILD_SUBREAPER, so no --subreaper here.)
  it.skipIf(qemu === undefined || process.arch === 'arm64')('the arm64 binary runs a command under qemu-user and ends with its status', () => {
    const ran = spawnSync(qemu as string, [binaryOf('arm64'), '--', '/bin/sh', '-c', 'exit 3'], { encoding: 'utf8' });
    expect([ran.status, ran.stderr]).toEqual([3, '']);
  });

  it('packing refuses a platform package whose binary is for another machine, or missing', () => {
    const dir = join(scratch, 'wrong');
    mkdirSync(join(dir, 'bin'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@pg/helper-linux-arm64', os: ['linux'], cpu: ['arm64'] }));
    const check = () => spawnSync(process.execPath, [join(scripts, 'check-prebuilt.mjs')], { cwd: dir, encoding: 'utf8' });
    let result = check();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`will not pack without its pg-helper: ${join(dir, 'bin', 'pg-helper')} does not exist`);
    copyFileSync(binaryOf('x64'), join(dir, 'bin', 'pg-helper'));
    result = check();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('is for ELF machine 62 (x64), not arm64');
  });

  it('without the cross compiler the build says what to install, in one line, and goes on', () => {
    const dir = join(scratch, 'no-cross');
    mkdirSync(dir, { recursive: true });
    const other = process.arch === 'arm64' ? 'x64' : 'arm64';
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `@pg/helper-linux-${other}`, os: ['linux'], cpu: [other] }));
    const built = spawnSync(process.execPath, [join(scripts, 'prebuild.mjs'), dir], { encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent' } });
    expect([built.status, built.stderr]).toEqual([0, '']);
    expect(built.stdout).toMatch(new RegExp(`^@pg/helper-linux-${other}: pg-helper not built, no cross compiler \\S+-linux-gnu-gcc \\(Debian: gcc-\\S+ libc6-dev-\\S+-cross\\) found; install it and run npm run build -w @pg/helper\\.\\n$`));
  });
});
