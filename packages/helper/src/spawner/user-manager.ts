// Starting the spawner inside a delegated unit of the caller's systemd user manager, for an
// ordinary user whose own cgroup is not theirs to write (an SSH login's session scope). Only a
// process inside the user's delegated tree may create children in it (clone3(CLONE_INTO_CGROUP)
// and moves obey the common-ancestor rule), so the spawner has to live there. No D-Bus library:
// `systemd-run --user` talks to the manager's private socket ($XDG_RUNTIME_DIR/systemd/private)
// once per owner. Facts: docs/linux.md#the-systemd-user-manager.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { Socket } from 'node:net';
import { delimiter, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { HelperError } from '../errors.js';
import { C, callFailed, cloexecPipe, cloexecSocketPair, errnoCode, libc, rightsMessage, unixAddress } from './ffi.js';
import { SpawnerConnection, type SpawnerTransport } from './connection.js';

/** The slice every delegated spawner unit goes in (below the manager's app.slice). */
export const SPAWNER_SLICE = 'app-pg.slice';

/** A systemd user manager this process can reach, or why there is none. */
export type UserManagerResult =
  | { readonly ok: true; readonly runtimeDir: string; readonly systemdRun: string; readonly reason: string }
  | { readonly ok: false; readonly reason: string };

/**
 * Whether a systemd user manager answers for this user: `$XDG_RUNTIME_DIR/systemd/private` is a
 * socket, and `systemd-run` is on PATH. Reads only; starts nothing.
 */
export function findUserManager(env: NodeJS.ProcessEnv = process.env): UserManagerResult {
  const runtimeDir = env.XDG_RUNTIME_DIR;
  if (runtimeDir === undefined || runtimeDir === '' || !runtimeDir.startsWith('/')) {
    return { ok: false, reason: 'no systemd user manager: XDG_RUNTIME_DIR is not set (a login session sets it)' };
  }
  const socket = join(runtimeDir, 'systemd/private');
  try {
    if (!statSync(socket).isSocket()) return { ok: false, reason: `no systemd user manager: ${socket} is not a socket` };
  } catch {
    return { ok: false, reason: `no systemd user manager answers at ${socket}` };
  }
  const systemdRun = onPath('systemd-run', env.PATH);
  if (systemdRun === undefined) return { ok: false, reason: `a systemd user manager runs (${socket}), but systemd-run is not on PATH` };
  return { ok: true, runtimeDir, systemdRun, reason: `the systemd user manager at ${socket}` };
}

function onPath(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '/usr/bin:/bin').split(delimiter)) {
    if (dir === '' || !dir.startsWith('/')) continue;
    try {
      const file = join(dir, name);
      if (statSync(file).isFile()) return file;
    } catch {
      // not there
    }
  }
  return undefined;
}

/** A spawner running in a unit of the user manager. */
export interface DelegatedSpawner {
  readonly connection: SpawnerConnection;
  /** The unit's name (`pg-spawner-….scope` or `….service`). */
  readonly unit: string;
  /** Which way worked: a scope (the caller's login is moved by the system manager) or a transient service. */
  readonly via: 'scope' | 'service';
  /** The unit's cgroup path, as /proc/PID/cgroup showed it for the spawner. */
  readonly cgroupPath: string;
}

export interface DelegatedSpawnerOptions {
  readonly helperPath: string;
  /** This process's identity (`PID.TOKEN`), for the spawner's argv. */
  readonly owner: string;
  readonly manager: Extract<UserManagerResult, { ok: true }>;
  /** How long each way may take to connect back (default 10 s: systemd-run on a loaded machine). */
  readonly timeoutMs?: number;
}

let units = 0;

/**
 * Starts a spawner in a delegated unit of the user manager: first as a scope
 * (`systemd-run --user --scope`, which execs it in place; on a systemd host the system manager
 * moves a login's process into the user's tree), else as a transient service
 * (`systemd-run --user -p ExitType=cgroup`: the unit lives while any group in it does, so kept
 * groups outlive the spawner). Both with `Delegate=yes`, in `app-pg.slice`.
 *
 * A unit's process cannot inherit this process's fds, so the spawner connects back: this process
 * listens on a socket in its private `$XDG_RUNTIME_DIR` and hands over, in one message, the
 * spawner's end of the request socket and the write end of the reply pipe. Only the spawner holds
 * them afterwards: its death closes the replies, and this process's death closes its requests.
 * @throws HelperError `'EUSERMANAGER'` saying what each way answered.
 */
export async function startDelegatedSpawner(options: DelegatedSpawnerOptions): Promise<DelegatedSpawner> {
  const failures: string[] = [];
  for (const via of ['scope', 'service'] as const) {
    try {
      return await startVia(via, options);
    } catch (error) {
      if (!HelperError.isInstance(error) || error.code !== 'EUSERMANAGER') throw error;
      failures.push(`as a ${via}: ${error.message}`);
    }
  }
  throw new HelperError(`the systemd user manager could not start the pg-helper spawner in a delegated unit (${failures.join('; ')})`, 'EUSERMANAGER');
}

async function startVia(via: 'scope' | 'service', options: DelegatedSpawnerOptions): Promise<DelegatedSpawner> {
  const unit = `pg-spawner-${process.pid}-${++units}-${randomBytes(3).toString('hex')}.${via}`;
  const args = ['--user', '--quiet', '--collect', '-p', 'Delegate=yes', `--slice=${SPAWNER_SLICE}`, `--unit=${unit}`];
  if (via === 'scope') args.push('--scope');
  else args.push('-p', 'ExitType=cgroup', '-p', 'Description=pg-helper spawner');
  let cgroupPath = '';
  const connection = await connectBack({
    path: join(options.manager.runtimeDir, `${unit}.sock`),
    // A scope execs the spawner in place: detached, so a terminal's Ctrl-C never reaches it.
    launch: (path) =>
      spawn(options.manager.systemdRun, [...args, '--', options.helperPath, '--spawner', '--connect', path, '--owner', options.owner], {
        stdio: ['ignore', 'ignore', 'pipe'],
        detached: true,
      }),
    check(pid) {
      const found = unifiedPath(pid);
      if (found === undefined || !found.endsWith(`/${unit}`)) {
        throw new HelperError(`the process that connected (pid ${pid}) is in cgroup ${found ?? '(none)'}, not in the unit ${unit}`, 'EUSERMANAGER');
      }
      cgroupPath = found;
    },
    ended: `a status only the user manager saw (its reply pipe closed; it ran in the unit ${unit})`,
    timeoutMs: options.timeoutMs ?? 10_000,
  });
  return { connection, unit, via, cgroupPath };
}

/** How `connectBack` starts a spawner that connects to it, and checks the one that did. */
export interface ConnectBackOptions {
  /** Where to listen (a directory only this user may enter: the socket takes whoever connects first). */
  readonly path: string;
  /** Starts what runs `pg-helper --spawner --connect PATH`; exit code 0 means "started, wait for it". */
  launch(path: string): ChildProcess;
  /** Throws when the process that connected (`pid`, same uid) is not the one expected. */
  check(pid: number): void;
  /** How its end is told (it is not this process's child to wait for). */
  readonly ended: string;
  readonly timeoutMs: number;
}

/**
 * Listens at `options.path`, launches, accepts the spawner's connection (same uid, `check`ed),
 * and hands it its two ends, after which only it holds them: the request socket (its death of
 * this process closes it: the lifeline) and the write end of the reply pipe (its death closes the
 * replies: the spawner ended). The socket is closed and unlinked on every path.
 * @throws HelperError `'EUSERMANAGER'` when the launch failed or nothing connected in time.
 */
export async function connectBack(options: ConnectBackOptions): Promise<SpawnerConnection> {
  const c = libc();
  const { path } = options;
  const { address, length } = unixAddress(path);
  const listener = c.socket(C.AF_UNIX, C.SOCK_SEQPACKET | C.SOCK_CLOEXEC | C.SOCK_NONBLOCK, 0);
  if (listener < 0) throw callFailed('socket', c.errno());
  const owned: number[] = [listener];
  let bound = false;
  let child: ChildProcess | undefined;
  try {
    if (c.bind(listener, address, length) < 0) throw callFailed(`bind ${path}`, c.errno());
    bound = true;
    if (c.listen(listener, 1) < 0) throw callFailed('listen', c.errno());
    child = options.launch(path);
    const started = child;
    let stderr = '';
    started.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
    let failed: string | undefined;
    started.once('error', (error) => (failed = error.message));
    started.once('exit', (code, signal) => {
      if (code !== 0) failed = `${started.spawnfile} ended with ${signal ?? `exit code ${String(code)}`}`;
    });
    const deadline = Date.now() + options.timeoutMs;
    let conn: number;
    // Poll the non-blocking listener: this fd is not libuv's, and the spawner connects within
    // milliseconds of its start.
    for (;;) {
      conn = c.accept4(listener, C.SOCK_CLOEXEC);
      if (conn >= 0) break;
      const errno = c.errno();
      if (errnoCode(errno) !== 'EAGAIN' && errnoCode(errno) !== 'EINTR') throw callFailed('accept4', errno);
      if (failed !== undefined) {
        const said = stderr.trim().split('\n').slice(-2).join(' ');
        throw new HelperError(`${failed}${said === '' ? '' : `: ${said}`}`, 'EUSERMANAGER');
      }
      if (Date.now() > deadline) throw new HelperError(`no spawner connected to ${path} within ${options.timeoutMs} ms`, 'EUSERMANAGER');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    owned.push(conn);
    const ucred = new Int32Array(3);
    if (c.peerCredentials(conn, ucred) < 0) throw callFailed('getsockopt SO_PEERCRED', c.errno());
    const [pid, uid] = [ucred[0] as number, ucred[1] as number];
    if (uid !== process.getuid?.()) throw new HelperError(`a process of uid ${uid} (pid ${pid}) connected to ${path}, not this user's spawner`, 'EUSERMANAGER');
    options.check(pid);
    const [near, far] = cloexecSocketPair(C.SOCK_SEQPACKET, C.SOCK_NONBLOCK);
    owned.push(far);
    const [replyRead, replyWrite] = cloexecPipe();
    owned.push(replyWrite);
    if (c.sendmsg(conn, Buffer.from('fds'), rightsMessage([far, replyWrite]), C.MSG_NOSIGNAL) < 0) {
      const error = callFailed('sendmsg to the spawner', c.errno());
      closeSync(near);
      closeSync(replyRead);
      throw error;
    }
    const replies = new Socket({ fd: replyRead, readable: true, writable: false });
    // Where the launch became the spawner (a scope), it is this process's child: reaped, never
    // waited for, and its stderr pipe (kept for the launch's failure message) is let go, or it
    // would hold this process's event loop for good. A spawner writes nothing there.
    started.unref();
    started.stderr?.destroy();
    const transport: SpawnerTransport = {
      pid,
      cwd: undefined,
      replies,
      ended: new Promise<string>((resolve) => replies.once('close', () => resolve(options.ended))),
      cause: () => undefined,
      hold: (held) => (held ? replies.ref() : replies.unref()),
    };
    return new SpawnerConnection(transport, near);
  } catch (error) {
    if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw error;
  } finally {
    for (const fd of owned) closeSync(fd);
    if (bound) unlinkSync(path);
  }
}

/** The cgroup v2 path of `pid` (the `0::` line of /proc/PID/cgroup). */
function unifiedPath(pid: number): string | undefined {
  try {
    return /^0::(.*)$/m.exec(readFileSync(`/proc/${pid}/cgroup`, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}
