// A real systemd user manager for tests, on a machine where systemd is not PID 1
// (docs/linux.md#the-systemd-user-manager): as root, a cgroup delegated to the test user, a
// private runtime directory, and `systemd --user` started as that user in a private mount
// namespace whose /run/systemd/system exists (systemd refuses to start otherwise). `stop()` ends
// the manager, kills anything left in its cgroup, and removes every directory the rig made.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { Cgroup, findCgroup2Mount } from '@pg/cgroup';
import { NOBODY, SETPRIV } from './unprivileged.js';

export const SYSTEMD = '/lib/systemd/systemd';
const UNSHARE = '/usr/bin/unshare';
export const SYSTEMD_RUN = '/usr/bin/systemd-run';

/** Whether this machine can run the rig: root, systemd's binaries, setpriv and unshare. */
export function rigMissing(): string | undefined {
  if (process.geteuid?.() !== 0) return 'the user-manager rig is set up as root';
  for (const file of [SYSTEMD, SYSTEMD_RUN, UNSHARE, SETPRIV]) if (!existsSync(file)) return `${file} is not installed`;
  return undefined;
}

export interface UserManagerRig {
  readonly uid: number;
  /** The user's XDG_RUNTIME_DIR, where the manager's private socket is. */
  readonly runtimeDir: string;
  /** The cgroup the manager and all its units live in. */
  readonly cgroup: Cgroup;
  /** Unit cgroups left in the spawners' slice (`app.slice/app-pg.slice`), as paths below the rig's cgroup. */
  spawnerUnitsLeft(): string[];
  /** Processes in the rig's tree other than the manager's own (init.scope) and its D-Bus, which `systemd-run --wait` starts (`cgroup path: pids`). */
  strayProcesses(): string[];
  stop(): Promise<void>;
}

/** Starts `systemd --user` for `uid` and resolves once its private socket answers. */
export async function startUserManager(uid = NOBODY): Promise<UserManagerRig> {
  const mount = findCgroup2Mount();
  const dir = posix.join(mount.mountPoint, `pgtest-user-manager-${process.pid}-${Date.now()}`);
  mkdirSync(dir);
  for (const path of [dir, ...['cgroup.procs', 'cgroup.threads', 'cgroup.subtree_control'].map((f) => posix.join(dir, f))]) chownSync(path, uid, uid);
  const cgroup = new Cgroup(dir);
  const runtimeDir = mkdtempSync('/tmp/pg-runtime-');
  chownSync(runtimeDir, uid, uid);
  chmodSync(runtimeDir, 0o700);
  const madeRunSystemd = !existsSync('/run/systemd');
  if (madeRunSystemd) mkdirSync('/run/systemd', { recursive: true });
  const script = [
    'mount -t tmpfs tmpfs /run/systemd && mkdir -p /run/systemd/system',
    `echo $$ > ${dir}/cgroup.procs`,
    `exec ${SETPRIV} --reuid=${uid} --regid=${uid} --clear-groups env -i HOME=/ PATH=/usr/bin:/bin XDG_RUNTIME_DIR=${runtimeDir} ${SYSTEMD} --user`,
  ].join(' && ');
  let log = '';
  const manager: ChildProcess = spawn(UNSHARE, ['--mount', '--propagation', 'private', '/bin/sh', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  for (const s of [manager.stdout, manager.stderr]) s?.setEncoding('utf8').on('data', (c: string) => (log = (log + c).slice(-4000)));
  const exited = new Promise<void>((resolve) => manager.once('exit', () => resolve()));

  const stop = async (): Promise<void> => {
    if (manager.exitCode === null && manager.signalCode === null) {
      manager.kill('SIGTERM'); // the manager stops its units, then exits
      const late = setTimeout(() => cgroup.exists() && cgroup.kill(), 15_000);
      await exited;
      clearTimeout(late);
    }
    if (cgroup.exists()) {
      if (cgroup.populated()) {
        cgroup.kill();
        const empty = cgroup.waitUntilEmpty();
        empty.kick();
        await empty;
      }
      removeTree(dir);
    }
    rmSync(runtimeDir, { recursive: true, force: true });
    if (madeRunSystemd) rmdirSync('/run/systemd');
  };

  const socket = posix.join(runtimeDir, 'systemd/private');
  const deadline = Date.now() + 30_000;
  while (!isSocket(socket)) {
    if (manager.exitCode !== null || manager.signalCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`systemd --user did not start (no ${socket}): ${log.trim() || 'it said nothing'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    uid,
    runtimeDir,
    cgroup,
    spawnerUnitsLeft: () => {
      const slice = posix.join(dir, 'app.slice/app-pg.slice');
      return existsSync(slice) ? readdirSync(slice, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => posix.join('app.slice/app-pg.slice', e.name)) : [];
    },
    strayProcesses: () => {
      const found: string[] = [];
      const walk = (sub: string) => {
        const here = posix.join(dir, sub);
        if (sub === 'init.scope' || /^(app|session)\.slice\/dbus\.service$/.test(sub)) return;
        const pids = readFileSync(posix.join(here, 'cgroup.procs'), 'utf8').trim();
        if (pids !== '') found.push(`${sub || '.'}: ${pids.split('\n').join(' ')}`);
        for (const e of readdirSync(here, { withFileTypes: true })) if (e.isDirectory()) walk(posix.join(sub, e.name));
      };
      walk('');
      return found;
    },
    stop,
  };
}

function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

/** rmdir a cgroup tree bottom-up (cgroup directories hold only kernel files: rmdir, never unlink). */
function removeTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) removeTree(posix.join(dir, entry.name));
  rmdirSync(dir);
}
