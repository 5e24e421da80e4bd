// Real cgroups for an ordinary user through their systemd user manager: a real `systemd --user`
// for uid 65534 (user-manager-rig.ts), and the conformance suite's cgroup behaviours run as that
// user twice, reported here behaviour by behaviour:
// - from outside the manager's tree, in a cgroup root owns (as an SSH login's session scope is):
//   the cgroup backend must start its spawner in a delegated unit and pass everything it guarantees;
// - from inside it, as a transient service of the manager (`systemd-run --user`).
// Then: no spawner unit, process or cgroup directory of either run is left in the manager's tree.
import { execFile } from 'node:child_process';
import { mkdirSync, rmdirSync } from 'node:fs';
import { posix } from 'node:path';
import { PRE_EXEC_SCRIPT, PRE_EXEC_SHELL } from '@pg/cgroup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LACKS_GUARANTEE, mirror, NEEDS_ROOT, runConformance } from './nested-conformance.js';
import { AS_NOBODY, readableCheckout } from './unprivileged.js';
import { rigMissing, startUserManager, type UserManagerRig } from './user-manager-rig.js';

const NOBODY = 'uid 65534';
const LACKS_OR_NEEDS_ROOT = new RegExp(`${LACKS_GUARANTEE.source}|${NEEDS_ROOT.source}`);
const missing = rigMissing();

/**
 * Runs `command` as uid 65534 with the rig's runtime directory, after `before` (run as root: the
 * pre-exec step that places it in a cgroup); its stdout.
 */
function asUser(rig: Pick<UserManagerRig, 'runtimeDir'>, cwd: string, command: string[], before: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = [...before, ...AS_NOBODY, ...command] as [string, ...string[]];
    execFile(file, args, { cwd, env: { ...process.env, XDG_RUNTIME_DIR: rig.runtimeDir, PG_BACKEND: '' }, timeout: 60_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command.slice(1).join(' ')}: ${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

/** An ES module snippet run by this Node. */
const nodeScript = (script: string): string[] => [process.execPath, '--input-type=module', '-e', script];
/** The pg command of the checkout. */
const pgCommand = (...args: string[]): string[] => [process.execPath, 'packages/cli/dist/main.js', ...args];

if (missing !== undefined) {
  describe.skip(`conformance through a systemd user manager, skipped: ${missing}`, () => it('runs', () => undefined));
} else {
  const rig = await startUserManager();
  let outside, inside, left: { units: string[]; strays: string[] }[];
  try {
    outside = await runConformance({ name: 'user-manager-outside', asNobody: true, delegated: false, env: { XDG_RUNTIME_DIR: rig.runtimeDir }, testNamePattern: '\\[cgroup, ' });
    left = [{ units: rig.spawnerUnitsLeft(), strays: rig.strayProcesses() }];
    inside = await runConformance({ name: 'user-manager-inside', asNobody: true, delegated: false, insideUserManager: rig.runtimeDir, testNamePattern: '\\[cgroup, ' });
    left.push({ units: rig.spawnerUnitsLeft(), strays: rig.strayProcesses() });
  } catch (error) {
    await rig.stop();
    throw error;
  }

  mirror(`conformance as ${NOBODY} from outside its systemd user manager's tree (as an SSH login), a nested run`, outside, {
    axes: { cgroup: `[cgroup, user-manager, ${NOBODY}]` },
    rightSkips: { cgroup: LACKS_OR_NEEDS_ROOT },
  });
  mirror(`conformance as ${NOBODY} inside its systemd user manager's tree (systemd-run --user), a nested run`, inside, {
    axes: { cgroup: `[cgroup, clone3, ${NOBODY}]` },
    rightSkips: { cgroup: LACKS_OR_NEEDS_ROOT },
  });

  describe(`the systemd user manager of ${NOBODY} after each run`, () => {
    it('holds no spawner unit and no process of the run (units end with their owner)', () => {
      expect(left).toEqual([
        { units: [], strays: [] },
        { units: [], strays: [] },
      ]);
    });
  });

  describe(`spawnGroup as ${NOBODY} from outside its user manager's tree`, () => {
    let readable: ReturnType<typeof readableCheckout>;
    beforeAll(() => {
      readable = readableCheckout();
    });
    afterAll(async () => {
      readable.cleanup();
      await rig.stop();
    });

    it("picks cgroup for backend 'auto', says which unit in probe() and group.id, gives the leader the owner's cwd and environment, and leaves no unit", async () => {
      const script = [
        "const { probe, spawnGroup } = await import('@pg/core');",
        "process.env.PG_OWNER_VAR = 'from-the-owner';",
        "const g = await spawnGroup('/bin/sh', ['-c', 'cat /proc/self/cgroup; pwd; echo \"$PG_OWNER_VAR\"'], { stdio: ['ignore', 'pipe', 'ignore'] });",
        "let out = ''; for await (const c of g.leader.stdout) out += c; await g.empty;",
        "const p = (await probe()).find((r) => r.backend === 'cgroup');",
        'console.log(JSON.stringify({ backend: g.backend, id: g.id, out, reason: p.reason }));',
      ].join(' ');
      const seen = JSON.parse(await asUser(rig, readable.path, nodeScript(script))) as { backend: string; id: string; out: string; reason: string };
      expect(seen.backend).toBe('cgroup');
      expect(seen.id).toMatch(/\/app\.slice\/app-pg\.slice\/pg-spawner-\d+-\d+-[0-9a-f]+\.(service|scope)\/pg\/group@/);
      expect(seen.out).toContain(`0::${seen.id}\n`);
      // The unit has the manager's cwd and environment; the leader gets the owner's, as a child would.
      expect(seen.out.endsWith(`\n${readable.path}\nfrom-the-owner\n`)).toBe(true);
      expect(seen.reason).toMatch(/systemd user manager's delegated (service|scope) pg-spawner-/);
      await expect.poll(() => rig.spawnerUnitsLeft(), { timeout: 15_000 }).toEqual([]);
    });

    it("when the spawner is SIGKILLed: groups say so, 'kill' groups are killed, 'keep' groups run on, the next spawn starts a new unit", async () => {
      const script = [
        "const { readFileSync } = await import('node:fs'); const { spawnGroup, SpawnerLostError } = await import('@pg/core');",
        "const parentOf = (pid) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);",
        "const unitOf = (id) => id.split('/').find((s) => s.startsWith('pg-spawner-'));",
        "const doomed = await spawnGroup('/bin/sleep', ['1000'], { backend: 'cgroup', stdio: 'ignore' });",
        "const kept = await spawnGroup('/bin/sleep', ['1000'], { backend: 'cgroup', stdio: 'ignore', onOwnerExit: 'keep' });",
        'const spawner = parentOf(doomed.leader.pid); process.kill(spawner, "SIGKILL");',
        'const lost = await doomed.spawnerLost; await doomed.empty;',
        'let keptAlive = true; try { process.kill(kept.leader.pid, 0); } catch { keptAlive = false; }',
        "const next = await spawnGroup('/bin/sh', ['-c', 'exit 6'], { backend: 'cgroup', stdio: 'ignore' }); const exit = await next.leader.exited;",
        'await kept.kill();',
        'console.log(JSON.stringify({ lost: SpawnerLostError.isInstance(lost) && lost.message, keptAlive, exit, units: [unitOf(doomed.id), unitOf(kept.id), unitOf(next.id)] }));',
      ].join(' ');
      const seen = JSON.parse(await asUser(rig, readable.path, nodeScript(script))) as { lost: string; keptAlive: boolean; exit: unknown; units: string[] };
      expect(seen.lost).toMatch(/spawner \(pid \d+\) ended with a status only the user manager saw/);
      expect(seen.keptAlive).toBe(true);
      expect(seen.exit).toEqual({ code: 6, signal: null });
      expect(seen.units[0]).toBe(seen.units[1]);
      expect(seen.units[2]).not.toBe(seen.units[0]);
      await expect.poll(() => [rig.spawnerUnitsLeft(), rig.strayProcesses()], { timeout: 15_000 }).toEqual([[], []]);
    });

    it('pg doctor says which way: the cgroup backend through a unit of the user manager', async () => {
      const doctor = await asUser(rig, readable.path, pgCommand('doctor'));
      expect(doctor).toMatch(/ok {2}cgroup .*in the systemd user manager's delegated (service|scope) pg-spawner-/);
      expect(doctor).toMatch(/auto picks: cgroup/);
      expect(doctor).toMatch(/ok {2}user manager +the systemd user manager at /);
      expect(doctor).toMatch(/ok {2}cgroup\.kill +atomic group SIGKILL .*found by the cgroup backend's probe/);
      await expect.poll(() => rig.spawnerUnitsLeft(), { timeout: 15_000 }).toEqual([]);
    });

    it('from a cgroup in the manager\'s tree that is not the user\'s, it gets a delegated scope; the owner still exits by itself', async () => {
      // The manager can move a process of its own tree into a scope (the common ancestor is its
      // app.slice): what a real systemd host's system manager does for an SSH login.
      const locked = posix.join(rig.cgroup.dir, 'app.slice', `pgtest-locked-${process.pid}`);
      mkdirSync(locked);
      try {
        const script = [
          "const { spawnGroup } = await import('@pg/core');",
          "const g = await spawnGroup('/bin/sh', ['-c', 'echo $$ && sleep 0.2'], { stdio: ['ignore', 'pipe', 'ignore'] });",
          "let out = ''; for await (const c of g.leader.stdout) out += c; await g.empty;",
          'console.log(JSON.stringify({ id: g.id, backend: g.backend }));',
        ].join(' ');
        const seen = await asUser(rig, readable.path, nodeScript(script), [PRE_EXEC_SHELL, '-c', PRE_EXEC_SCRIPT, locked]);
        const { id, backend } = JSON.parse(seen) as { id: string; backend: string };
        expect(backend).toBe('cgroup');
        expect(id).toMatch(/\/app\.slice\/app-pg\.slice\/pg-spawner-\d+-\d+-[0-9a-f]+\.scope\/pg\/group@/);
        await expect.poll(() => rig.spawnerUnitsLeft(), { timeout: 15_000 }).toEqual([]);
      } finally {
        rmdirSync(locked);
      }
    });

    it('pg run --detach, pg ls, pg ps and pg kill work for the user, the daemon included, across owners', async () => {
      const pg = (...args: string[]) => asUser(rig, readable.path, pgCommand(...args));
      const id = (await pg('run', '--detach', '--', '/bin/sh', '-c', '(setsid sleep 300 &); echo started; sleep 300')).trim();
      try {
        expect(id).toMatch(/\/app-pg\.slice\/pg-spawner-[^/]+\.service\/pg\/group@/);
        // Each command is another owner, with a unit of its own: they find the group in the slice.
        await expect.poll(async () => (await pg('ps', id)).match(/^ *\d+ +sleep 300$/gm)?.length ?? 0, { timeout: 15_000 }).toBe(2);
        expect(await pg('ls')).toMatch(new RegExp(`${id.replace(/[.]/g, '\\.')} +cgroup .*orphaned`));
        await pg('kill', id);
        expect(await pg('ls')).not.toContain(id);
      } finally {
        await pg('kill', id).catch(() => undefined);
      }
      await expect.poll(() => [rig.spawnerUnitsLeft(), rig.strayProcesses()], { timeout: 15_000 }).toEqual([[], []]);
    });

    it('falls back to reaper, saying why, when no user manager answers', async () => {
      const script = "const { probe } = await import('@pg/core'); const p = await probe(); console.log(JSON.stringify(p.filter((r) => r.backend === 'cgroup' || r.backend === 'reaper').map((r) => [r.backend, r.available, r.reason])));";
      const noManager = { runtimeDir: '/nonexistent' };
      const seen = JSON.parse(await asUser(noManager, readable.path, nodeScript(script))) as [string, boolean, string][];
      expect(seen[0]).toEqual(['cgroup', false, expect.stringMatching(/no systemd user manager answers at \/nonexistent\/systemd\/private/)]);
      expect(seen[1]?.slice(0, 2)).toEqual(['reaper', true]);
    });
  });
}
