// Every `npx pg …` of the READMEs works right after the README's set-up, on a fresh clone (not
// this working tree): `npm ci` (what `npm install` does from the lock) links the committed `pg`
// command, builds every package (pg-helper included), and then `npx pg` runs, as root and as an
// ordinary user. npm's cache is warm here (the root install just ran), so the install is offline.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AS_NOBODY, SETPRIV } from './unprivileged.js';

const run = promisify(execFile);
const root = process.geteuid?.() === 0 && existsSync(SETPRIV);
let parent: string;
let clone: string;
let installOutput: { stdout: string; stderr: string };

beforeAll(async () => {
  parent = mkdtempSync(join(tmpdir(), 'pg-clone-'));
  chmodSync(parent, 0o755);
  clone = join(parent, 'repo');
  await run('git', ['clone', '-q', process.cwd(), clone]);
  const npm = { cwd: clone, timeout: 600_000, maxBuffer: 64 << 20 };
  try {
    installOutput = await run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], npm);
  } catch {
    installOutput = await run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], npm);
  }
}, 660_000);

afterAll(() => {
  if (parent !== undefined) rmSync(parent, { recursive: true, force: true });
});

/** `npx pg ARGS` in the clone, optionally as uid 65534 (with a HOME of its own for npm). */
async function npxPg(args: string[], asNobody = false) {
  const home = mkdtempSync(join(parent, 'home-'));
  chmodSync(home, 0o777);
  const env = { ...process.env, HOME: home, npm_config_cache: join(home, '.npm'), npm_config_update_notifier: 'false', PG_BACKEND: '' };
  const argv = [...(asNobody ? AS_NOBODY : []), 'npx', '--no-install', 'pg', ...args];
  try {
    const { stdout, stderr } = await run(argv[0] as string, argv.slice(1), { cwd: clone, env, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('npx pg on a fresh clone, right after npm ci', () => {
  it("npm ci prints no install-scripts warning: package.json's allowScripts covers every dependency's script", () => {
    expect(`${installOutput.stdout}${installOutput.stderr}`).not.toMatch(/install-scripts|allowScripts/);
  });

  it('links the committed pg command and builds pg-helper', () => {
    expect(existsSync(join(clone, 'node_modules/.bin/pg'))).toBe(true);
    expect(existsSync(join(clone, `packages/helper-linux-${process.arch}/bin/pg-helper`))).toBe(true);
  });

  it('npx pg --help and npx pg doctor work as root', async () => {
    const help = await npxPg(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: pg COMMAND/);
    const doctor = await npxPg(['doctor']);
    expect([doctor.code, doctor.stderr]).toEqual([0, '']);
    expect(doctor.stdout).toMatch(/auto picks: \w+/);
    expect(doctor.stdout).toMatch(/ok +pg-helper/);
  });

  it("the README's lines: run --detach, ps, kill and ls by name", async () => {
    const name = `npx-clone-${process.pid}`;
    const started = await npxPg(['run', '--detach', '--name', name, '--', 'sh', '-c', 'sleep 1000 & (setsid sleep 1000 &) ; wait']);
    expect([started.code, started.stderr]).toEqual([0, '']);
    try {
      expect((await npxPg(['ls'])).stdout).toContain(name);
      const ps = await npxPg(['ps', name]);
      expect(ps.code).toBe(0);
      expect(ps.stdout).toMatch(/sleep 1000/);
    } finally {
      const killed = await npxPg(['kill', name]);
      expect([killed.code, killed.stderr]).toEqual([0, '']);
    }
    expect((await npxPg(['ls'])).stdout).not.toContain(name);
  });

  it.skipIf(!root)('npx pg doctor and npx pg run work as uid 65534, which gets the reaper backend', async () => {
    const doctor = await npxPg(['doctor'], true);
    expect(doctor.code).toBe(0);
    expect(doctor.stdout).toMatch(/auto picks: reaper/);
    const ran = await npxPg(['run', '--', 'sh', '-c', 'exit 4'], true);
    expect(ran.code).toBe(4);
    const init = await npxPg(['init', '--', 'sh', '-c', 'exit 6'], true);
    expect(init.code).toBe(6);
  });
});
