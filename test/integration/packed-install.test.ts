// pg as a user installs it: every package packed with `npm pack`, the tarballs installed into a
// fresh app with npm's defaults (no install script approved, none needed), then, as root and as
// uid 65534: `npx pg doctor`; a group whose member double-forks into a session of its own keeps
// it (cgroup or reaper, never posix); SIGKILLing the owner takes the whole group;
// `npm exec --package=<the cli tarball> -- pg doctor`. And the bad case: the platform package
// missing and no compiler on PATH gives a probe reason naming every remedy, and nothing crashes.
//
// Offline: the registry's part (koffi, and its platform package) is repacked from this
// checkout's node_modules, so npm resolves everything from tarballs with an empty cache.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cgroupDir } from '@pg/cgroup';
import { readStat } from '@pg/procfs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AS_NOBODY, SETPRIV } from './unprivileged.js';

const run = promisify(execFile);
const checkout = fileURLToPath(new URL('../..', import.meta.url));
const asRoot = process.geteuid?.() === 0;
const canSwitch = asRoot && existsSync(SETPRIV);
const platformPackage = `@pg/helper-${process.platform}-${process.arch}`;
const prebuilt = process.platform === 'linux' && ['x64', 'arm64'].includes(process.arch);
const koffiPlatform = `@koromix/koffi-${process.platform}-${process.arch}`;
const helperVersion = (JSON.parse(readFileSync(join(checkout, 'packages/helper/package.json'), 'utf8')) as { version: string }).version;

interface Packed {
  name: string;
  filename: string;
  files: { path: string }[];
}

let work: string;
let app: string;
let packed: Packed[] = [];
let registry: Packed[] = [];
const owners = new Set<ChildProcess>();

/** `npm pack --json` of directories into `dest`. */
async function pack(dirs: string[], dest: string): Promise<Packed[]> {
  const { stdout } = await run('npm', ['pack', '--json', '--offline', '--pack-destination', dest, ...dirs], { cwd: work, maxBuffer: 64 << 20, timeout: 300_000 });
  return JSON.parse(stdout) as Packed[];
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pg-packed-'));
  chmodSync(work, 0o755);
  const tgz = join(work, 'tgz');
  app = join(work, 'app');
  mkdirSync(tgz);
  mkdirSync(app);
  const packages = ['cgroup', 'cli', 'contract', 'core', 'helper', 'helper-linux-arm64', 'helper-linux-x64', 'listen-fds', 'pidfd', 'procfs'];
  packed = await pack(packages.map((p) => join(checkout, 'packages', p)), tgz);
  registry = await pack([join(checkout, 'node_modules/koffi'), join(checkout, 'node_modules', koffiPlatform)], tgz);
  // What a user's app says: the pg packages it uses; the platform packages are optional, as in
  // @pg/helper (npm installs only this machine's), and so is koffi's own.
  const dependencies: Record<string, string> = {};
  const optionalDependencies: Record<string, string> = {};
  for (const p of [...packed, ...registry]) {
    const optional = p.name.startsWith('@pg/helper-') || p.name.startsWith('@koromix/');
    (optional ? optionalDependencies : dependencies)[p.name] = `file:../tgz/${p.filename}`;
  }
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'pg-packed-app', private: true, type: 'module', dependencies, optionalDependencies }, null, 2));
  const cache = join(work, 'cache-install');
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund'], { cwd: app, env: { ...process.env, npm_config_cache: cache, npm_config_update_notifier: 'false' }, timeout: 300_000, maxBuffer: 64 << 20 });
  copyFileSync(fileURLToPath(new URL('../fixtures/packed-owner.mjs', import.meta.url)), join(app, 'owner.mjs'));
}, 660_000);

afterAll(() => {
  for (const owner of owners) if (owner.exitCode === null && owner.signalCode === null) owner.kill('SIGKILL');
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

type Who = 'root' | 'nobody';
const prefix = (who: Who): string[] => (who === 'nobody' ? AS_NOBODY : []);

/** A HOME (with its npm cache) of the user's own, and nothing pg-specific inherited. */
function userEnv(who: Who, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(work, `home-${who}-`));
  chmodSync(home, 0o777);
  const { PG_HELPER: _helper, PG_BACKEND: _backend, ...env } = process.env;
  return { ...env, HOME: home, npm_config_cache: join(home, '.npm'), npm_config_update_notifier: 'false', ...extra };
}

/** Runs `argv` as `who` in `cwd`; never rejects: the exit code is part of the result. */
async function runAs(who: Who, argv: string[], cwd: string, env = userEnv(who)) {
  const full = [...prefix(who), ...argv];
  try {
    const { stdout, stderr } = await run(full[0] as string, full.slice(1), { cwd, env, timeout: 300_000, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Every path string in a manifest field (an exports map's conditions, nested). */
function targetsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(targetsOf);
  return [];
}

describe('what each tarball carries', () => {
  it('README, LICENSE, types, engines, repository, exports that resolve; no tests, fixtures, source maps or install scripts', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(['@pg/cgroup', '@pg/cli', '@pg/contract', '@pg/core', '@pg/helper', '@pg/helper-linux-arm64', '@pg/helper-linux-x64', '@pg/listen-fds', '@pg/pidfd', '@pg/procfs']);
    for (const p of packed) {
      const files = p.files.map((f) => f.path);
      expect(files, p.name).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json']));
      expect(files.filter((f) => /\.map$|\.test\.|(^|\/)(test|tests|fixtures|__tests__)\//.test(f) || f === 'binding.gyp'), p.name).toEqual([]);
      const manifest = JSON.parse(execFileSync('tar', ['-xOzf', join(work, 'tgz', p.filename), 'package/package.json'], { encoding: 'utf8' })) as Record<string, unknown> & {
        scripts?: Record<string, string>;
        exports?: Record<string, unknown>;
        repository?: { url?: string; directory?: string };
        engines?: { node?: string };
      };
      expect(Object.keys(manifest.scripts ?? {}).filter((s) => ['preinstall', 'install', 'postinstall', 'prepare'].includes(s)), p.name).toEqual([]);
      expect(manifest.engines?.node, p.name).toBe('>=20.10');
      expect(manifest.repository, p.name).toMatchObject({ url: expect.stringMatching(/^git\+https:/), directory: `packages/${p.name.slice('@pg/'.length)}` });
      expect(manifest.license, p.name).toBe('MIT');
      // Every file the manifest points at (exports, main, types, bin) is in the tarball.
      for (const target of [...targetsOf(manifest.exports), ...targetsOf(manifest.main), ...targetsOf(manifest.types), ...targetsOf(manifest.bin)]) {
        expect(files, `${p.name} points at ${target}`).toContain(target.replace(/^\.\//, ''));
      }
      if (!p.name.startsWith('@pg/helper-')) {
        expect((manifest.exports as Record<string, { types?: string }>)['.']?.types, p.name).toBe('./dist/index.d.ts');
        expect(files, p.name).toContain('dist/index.d.ts');
      } else {
        expect(files.sort(), p.name).toEqual(['LICENSE', 'README.md', 'bin/pg-helper', 'package.json']);
        expect(manifest, p.name).toMatchObject({ os: ['linux'], cpu: [p.name.slice('@pg/helper-linux-'.length)] });
      }
    }
  });

  it.skipIf(!prebuilt)("npm installed this machine's platform package and no other", () => {
    expect(existsSync(join(app, 'node_modules', platformPackage, 'bin/pg-helper'))).toBe(true);
    const other = process.arch === 'x64' ? '@pg/helper-linux-arm64' : '@pg/helper-linux-x64';
    expect(existsSync(join(app, 'node_modules', other))).toBe(false);
  });
});

/** The members' identities (pid + start time), so a recycled pid is never taken for one. */
function identities(pids: number[]): { pid: number; start: string }[] {
  return pids.flatMap((pid) => {
    const stat = readStat(pid);
    return stat === undefined || stat.zombie ? [] : [{ pid, start: stat.startTime }];
  });
}
const alive = (p: { pid: number; start: string }) => {
  const stat = readStat(p.pid);
  return stat !== undefined && !stat.zombie && stat.startTime === p.start;
};

async function until(condition: () => boolean, what: string, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

interface OwnerReport {
  backend: string;
  id: string;
  diesWithOwner: boolean;
  members: { pid: number; ppid: number; command: string }[];
}

/** Starts app/owner.mjs as `who` and reads its report. */
async function startOwner(who: Who): Promise<{ owner: ChildProcess; report: OwnerReport }> {
  const argv = [...prefix(who), process.execPath, 'owner.mjs', '1000'];
  const owner = spawn(argv[0] as string, argv.slice(1), { cwd: app, env: userEnv(who), stdio: ['ignore', 'pipe', 'inherit'] });
  owners.add(owner);
  const ended = new Promise<never>((_, reject) => owner.once('exit', (code, signal) => reject(new Error(`owner.mjs ended (${code ?? signal}) before its report`))));
  const lines = createInterface({ input: owner.stdout! });
  const first = new Promise<string>((resolve) => lines.once('line', resolve));
  const line = await Promise.race([first, ended]);
  return { owner, report: JSON.parse(line) as OwnerReport };
}

/** Kills by pid what is left of a report's group, and removes its cgroup: only after a failure. */
async function discard(owner: ChildProcess, report: OwnerReport | undefined, members: { pid: number; start: string }[]) {
  if (owner.exitCode === null && owner.signalCode === null) owner.kill('SIGKILL');
  for (const m of members) if (alive(m)) process.kill(m.pid, 'SIGKILL');
  if (report?.backend !== 'cgroup') return;
  const dir = cgroupDir(report.id);
  if (!existsSync(dir)) return;
  writeFileSync(join(dir, 'cgroup.kill'), '1');
  await until(() => !readFileSync(join(dir, 'cgroup.events'), 'utf8').includes('populated 1'), `${dir} to empty`, 30_000);
  rmSync(dir, { recursive: false, force: true, maxRetries: 10 });
}

const users: Who[] = canSwitch ? ['root', 'nobody'] : ['root'];

describe.each(users)('installed from the tarballs, as %s', (who) => {
  it('npx pg doctor finds the prebuilt pg-helper and a backend that keeps daemons', async () => {
    const doctor = await runAs(who, ['npx', '--no-install', 'pg', 'doctor'], app);
    expect([doctor.code, doctor.stderr]).toEqual([0, '']);
    if (prebuilt) expect(doctor.stdout).toContain(`ok  pg-helper        ${join(app, 'node_modules', platformPackage, 'bin/pg-helper')} `);
    expect(doctor.stdout).toMatch(asRoot && who === 'root' ? /auto picks: (cgroup|reaper)/ : /auto picks: reaper/);
  });

  it("spawnGroup keeps a setsid daemon as a member, and SIGKILLing the owner takes the group", async () => {
    const { owner, report } = await startOwner(who);
    const members = identities(report.members.map((m) => m.pid));
    try {
      expect(['cgroup', 'reaper']).toContain(report.backend);
      expect(report.diesWithOwner).toBe(true);
      const sleeps = report.members.filter((m) => m.command === 'sleep 1000');
      expect(sleeps).toHaveLength(2);
      // One sleep is the leader's (its session), the other called setsid: a session of its own.
      const sessions = new Set(sleeps.map((m) => readStat(m.pid)?.sid));
      expect(sessions.size).toBe(2);
      expect(members.length).toBeGreaterThanOrEqual(2);
      process.kill(owner.pid!, 'SIGKILL');
      // pg-helper sees its lifeline close and kills the group (cgroup.kill, or the stop-all walk).
      await until(() => !members.some(alive), 'every member to end after the owner was SIGKILLed', 10_000);
      if (report.backend === 'cgroup') await until(() => !existsSync(cgroupDir(report.id)), `${report.id} to be removed`, 10_000);
    } finally {
      await discard(owner, report, members);
    }
  });

  it.skipIf(!prebuilt)('npx pg init runs the command under the prebuilt pg-helper (not the Node init)', async () => {
    const init = await runAs(who, ['npx', '--no-install', 'pg', 'init', '--', 'sh', '-c', "tr '\\0' ' ' < /proc/$PPID/cmdline; exit 6"], app);
    expect(init.code).toBe(6);
    // bin/pg execs it by the path beside @pg/cli: node_modules/@pg/cli/bin/../../helper-linux-…
    const [helper, ...args] = init.stdout.split(' ');
    expect(realpathSync(helper as string)).toBe(realpathSync(join(app, 'node_modules', platformPackage, 'bin/pg-helper')));
    expect(args.slice(0, 2)).toEqual(['--subreaper', '--forward']);
  });

  it('npm exec --package=<the cli tarball> -- pg doctor', async () => {
    // The cli tarball first (its `pg` is the command); the others stand in for the registry,
    // which has no copy of these unpublished versions, so npm resolves every dependency offline.
    const cli = packed.find((p) => p.name === '@pg/cli')!;
    const rest = packed.filter((p) => p !== cli && !(p.name.startsWith('@pg/helper-') && p.name !== platformPackage));
    const tarballs = [cli, ...rest].map((p) => join(work, 'tgz', p.filename));
    tarballs.push(...registry.map((p) => join(work, 'tgz', p.filename)));
    const dir = mkdtempSync(join(work, `exec-${who}-`));
    chmodSync(dir, 0o777);
    const result = await runAs(who, ['npm', 'exec', '--offline', '--yes', ...tarballs.map((t) => `--package=${t}`), '--', 'pg', 'doctor'], dir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/auto picks: (cgroup|reaper)/);
    if (prebuilt) expect(result.stdout).toMatch(new RegExp(`ok  pg-helper +\\S+/_npx/\\w+/node_modules/${platformPackage}/bin/pg-helper `));
  });
});

describe.skipIf(!prebuilt)('without its platform package and without a C compiler', () => {
  it('imports work, the probe reason names the missing package, pg-helper-build and PG_HELPER, pg doctor says the same, and that remedy works', async () => {
    const installed = join(app, 'node_modules', platformPackage);
    const hidden = join(work, 'hidden-platform-package');
    renameSync(installed, hidden);
    try {
      // A PATH with node and nothing else: no cc, gcc or clang.
      const bin = join(work, 'bin-node-only');
      mkdirSync(bin, { recursive: true });
      if (!existsSync(join(bin, 'node'))) symlinkSync(process.execPath, join(bin, 'node'));
      const script = `await import('@pg/helper'); await import('@pg/cli');
const { probe } = await import('@pg/core');
console.log(JSON.stringify(await probe()));`;
      const probed = await runAs('root', [process.execPath, '--input-type=module', '-e', script], app, userEnv('root', { PATH: bin }));
      expect([probed.code, probed.stderr]).toEqual([0, '']);
      const reaper = (JSON.parse(probed.stdout) as { backend: string; available: boolean; reason: string }[]).find((p) => p.backend === 'reaper')!;
      expect(reaper.available).toBe(false);
      expect(reaper.reason).toContain(`no pg-helper: ${platformPackage}, the prebuilt pg-helper for ${process.platform}-${process.arch}, is not installed`);
      expect(reaper.reason).toContain(`npm install ${platformPackage}@${helperVersion}`);
      expect(reaper.reason).toContain('`npx pg-helper-build` (needs a C compiler, and none is on PATH');
      expect(reaper.reason).toContain('set PG_HELPER to the absolute path of a pg-helper binary');
      const doctor = await runAs('root', ['npx', '--no-install', 'pg', 'doctor'], app);
      expect(doctor.code).toBe(0);
      expect(doctor.stdout).toMatch(new RegExp(`no  pg-helper +no pg-helper: ${platformPackage}, the prebuilt pg-helper`));
      // The remedy it names works: pg-helper-build (the installed bin), then PG_HELPER.
      const out = join(work, 'built-helper');
      const built = await runAs('root', ['npx', '--no-install', 'pg-helper-build', '--out-dir', out], app);
      expect([built.code, built.stderr]).toEqual([0, '']);
      expect(built.stdout).toContain(`set PG_HELPER=${join(out, 'pg-helper')} to use it`);
      const after = await runAs('root', [process.execPath, '--input-type=module', '-e', script], app, userEnv('root', { PATH: bin, PG_HELPER: join(out, 'pg-helper') }));
      const reaperAfter = (JSON.parse(after.stdout) as { backend: string; available: boolean; reason: string }[]).find((p) => p.backend === 'reaper')!;
      expect(reaperAfter).toMatchObject({ available: true, reason: expect.stringContaining(join(out, 'pg-helper')) });
    } finally {
      renameSync(hidden, installed);
    }
  });
});
