// The sending side of socket activation: start a program with sockets at fds 3.. and the four
// LISTEN_* variables, LISTEN_PID and LISTEN_PIDFDID included although the program's pid does not
// exist before the spawn (see pre-exec.ts for how).
import { spawn as nodeSpawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, writeSync } from 'node:fs';
import type { Stream } from 'node:stream';
import { pidfdOpen, PidfdError, type Pidfd } from '@pg/pidfd';
import { ListenFdsError } from './errors.js';
import { C, libc, syscallError } from './ffi.js';
import { LISTEN_FDS_START } from './parse.js';
import { preExec, PRE_EXEC_ARGV0 } from './pre-exec.js';
import { LISTEN_VARIABLES } from './receive.js';
import { closeOwned, describeValue, openSockets, planSockets, type ActivationSocket, type PreparedSocket } from './socket-specs.js';

/** One stdio entry, as `child_process.spawn` takes it. */
export type StdioEntry = 'inherit' | 'ignore' | 'pipe' | number | null | undefined | Stream;

/**
 * What a spawn adapter receives. `env` is the complete environment. `stdio` entries 0..2 are the
 * program's stdin/stdout/stderr; entries 3.. are descriptor numbers that must reach the child at
 * exactly those positions (the sockets, then the pre-exec step's pipe).
 */
export interface SpawnAdapterOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly stdio: StdioEntry[];
  readonly cwd: string | undefined;
}

/** What a spawn adapter returns: a child with a pid, or a group whose leader has one (spawnGroup's ProcessGroup). */
export type SpawnAdapterResult = { readonly pid?: number | undefined } | { readonly leader?: { readonly pid?: number | undefined } | undefined };

/** Starts `file` with `args`; the pid it reports must be the process that runs `file` (it may exec, not fork). */
export type SpawnAdapter<T extends SpawnAdapterResult> = (file: string, args: string[], options: SpawnAdapterOptions) => T | Promise<T>;

export interface ActivateOptions<T extends SpawnAdapterResult> {
  /** The sockets to pass, in order: fd 3 is the first. At least one. */
  sockets: readonly ActivationSocket[];
  /** The program's complete environment; default `process.env`. Any LISTEN_* in it is replaced. */
  env?: NodeJS.ProcessEnv;
  /** stdin, stdout, stderr of the program: one value for all three or an array of up to three. Default 'inherit'. */
  stdio?: 'inherit' | 'ignore' | 'pipe' | SpawnAdapterOptions['stdio'];
  cwd?: string;
  /** How to start the process; default `child_process.spawn`. See {@link SpawnAdapter}. */
  spawn?: SpawnAdapter<T>;
  /**
   * Keep this process's copies of the sockets activate() opened (for a supervisor that restarts
   * the program on the same sockets); they are then in `Activation.sockets` and closed by
   * `Activation.close()`. Default false: they are closed as soon as the program has its copies.
   */
  keepSockets?: boolean;
}

/** A started, activated program. */
export interface Activation<T> {
  /** What the spawn adapter returned (a `ChildProcess` by default). */
  readonly child: T;
  /** The program's pid, which it sees in LISTEN_PID. */
  readonly pid: number;
  /** The pidfd id it sees in LISTEN_PIDFDID; undefined when this kernel has none (then the variable is not set). */
  readonly pidfdId: bigint | undefined;
  /** The passed sockets in order (fd numbers in this process; the program has them at 3, 4, …). */
  readonly sockets: readonly { readonly fd: number; readonly name: string; readonly open: boolean }[];
  /** Close the kept sockets (with `keepSockets`); a no-op otherwise. Idempotent. */
  close(): void;
}

/**
 * Start `file` socket-activated, as systemd does for a service: the sockets at fds 3.. in order,
 * `LISTEN_FDS`, `LISTEN_FDNAMES` (names joined by ':'), and `LISTEN_PID` and `LISTEN_PIDFDID`
 * equal to the program's own pid and pidfd id, so that a receiver that checks both accepts them.
 *
 * Sockets given as addresses (see `parseListenAddress`) are opened with socket/bind/listen
 * directly, never through Node's net/dgram, so this process never accepts on them. A listening
 * `net.Server` or a descriptor is passed as it is (this process keeps serving on a server it owns).
 *
 * Guarantees: every option is checked before anything is opened or spawned (TypeError naming the
 * option); on any failure after that, the sockets opened here are closed and a started child is
 * killed before the error is thrown. The program is started through a short `/bin/sh` step
 * (bash for more than 6 sockets) that execs it, so a missing program ends the child with status
 * 127 instead of an 'error' event. Linux only; pidfd ids need Linux 6.9 (pidfs), older kernels
 * get no LISTEN_PIDFDID. Main thread only (koffi).
 */
export async function activate<T extends SpawnAdapterResult = ChildProcess>(
  file: string,
  args: readonly string[],
  options: ActivateOptions<T>,
): Promise<Activation<T>> {
  if (typeof file !== 'string' || file.length === 0) throw new TypeError(`activate: file must be a non-empty string, got ${describeValue(file)}`);
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) {
    throw new TypeError(`activate: args must be an array of strings, got ${describeValue(args)}`);
  }
  if (typeof options !== 'object' || options === null) throw new TypeError(`activate: options must be an object, got ${describeValue(options)}`);
  const plans = planSockets(options.sockets);
  const stdio = baseStdio(options.stdio);
  const spawn = options.spawn ?? (defaultSpawn as unknown as SpawnAdapter<T>);
  if (typeof spawn !== 'function') throw new TypeError(`activate: option spawn must be a function, got ${describeValue(spawn)}`);
  const given = options.env ?? process.env;
  if (typeof given !== 'object' || given === null) throw new TypeError(`activate: option env must be an object, got ${describeValue(given)}`);
  const env: NodeJS.ProcessEnv = { ...given };
  for (const name of LISTEN_VARIABLES) delete env[name];
  const pipeFd = LISTEN_FDS_START + plans.length;
  const step = preExec(pipeFd, env);
  env.LISTEN_FDS = String(plans.length);
  env.LISTEN_FDNAMES = plans.map((p) => p.name).join(':');

  const sockets = openSockets(plans);
  // Each end is set to undefined once closed, so the failure path never closes a number twice
  // (it could by then name another open file).
  let readEnd: number | undefined;
  let writeEnd: number | undefined;
  let started: Started | undefined;
  try {
    [readEnd, writeEnd] = openPipe();
    const child = await spawn(step.shell, ['-c', step.script, PRE_EXEC_ARGV0, file, ...args], {
      env,
      stdio: [...stdio, ...sockets.map((s) => s.fd), readEnd],
      cwd: options.cwd,
    });
    started = track(pidOf(child));
    closeSync(readEnd);
    readEnd = undefined;
    const pidfdId = started.pidfd === undefined ? undefined : idOf(started.pidfd);
    // The step is blocked reading this line: only now may the program start.
    writeSync(writeEnd, `${pidfdId ?? ''}\n`);
    closeSync(writeEnd);
    writeEnd = undefined;
    started.pidfd?.close();
    const keep = options.keepSockets === true;
    if (!keep) closeOwned(sockets);
    return activation(child, started.pid, pidfdId, sockets, keep);
  } catch (error) {
    if (started !== undefined) killStarted(started);
    if (readEnd !== undefined) closeQuietly(readEnd);
    if (writeEnd !== undefined) closeQuietly(writeEnd);
    closeOwned(sockets);
    throw error;
  }
}

/** The started pre-exec step, with a pidfd for it where the kernel has pidfds. */
interface Started {
  readonly pid: number;
  readonly pidfd: Pidfd | undefined;
}

/**
 * A pidfd for the step just started. It cannot have exited on its own (it waits on our pipe), so
 * the pid still names it; from here on it is signalled only through the pidfd, which cannot hit
 * a recycled pid. Without pidfds (Linux < 5.3) there is none.
 */
function track(pid: number): Started {
  try {
    return { pid, pidfd: pidfdOpen(pid) };
  } catch (error) {
    if (PidfdError.isInstance(error) && (error.code === 'ENOSYS' || error.code === 'EUNSUPPORTED')) return { pid, pidfd: undefined };
    throw error;
  }
}

/** The child's pidfd id; undefined when the kernel has none (no pidfs before Linux 6.9). */
function idOf(pidfd: Pidfd): bigint | undefined {
  try {
    return pidfd.id();
  } catch (error) {
    if (PidfdError.isInstance(error) && (error.code === 'ENOSYS' || error.code === 'EUNSUPPORTED')) return undefined;
    throw error;
  }
}

/** Kill a step that will not be allowed to run the program. */
function killStarted(started: Started): void {
  try {
    if (started.pidfd !== undefined) {
      started.pidfd.sendSignal(9);
      started.pidfd.close();
    } else {
      // No pidfds on this kernel: the step is still blocked on our pipe and unreaped, so its pid
      // cannot have been reused yet.
      process.kill(started.pid, 'SIGKILL');
    }
  } catch {
    // Already gone: nothing left to clean up.
  }
}

function activation<T>(child: T, pid: number, pidfdId: bigint | undefined, sockets: PreparedSocket[], keep: boolean): Activation<T> {
  let open = keep;
  return {
    child,
    pid,
    pidfdId,
    get sockets() {
      return sockets.map((s) => ({ fd: s.fd, name: s.name, open: !s.owned || open }));
    },
    close() {
      if (!open) return;
      open = false;
      closeOwned(sockets);
    },
  };
}

function baseStdio(stdio: ActivateOptions<SpawnAdapterResult>['stdio']): SpawnAdapterOptions['stdio'] {
  const s = stdio ?? 'inherit';
  if (s === 'inherit' || s === 'ignore' || s === 'pipe') return [s, s, s];
  if (Array.isArray(s) && s.length <= 3) {
    const out = [...s];
    while (out.length < 3) out.push('inherit');
    return out;
  }
  throw new TypeError(
    `activate: option stdio must be 'inherit', 'ignore', 'pipe' or an array of at most 3 entries (fds 3.. carry the sockets), got ${describeValue(s)}`,
  );
}

function defaultSpawn(file: string, args: string[], options: SpawnAdapterOptions): Promise<ChildProcess> {
  const child = nodeSpawn(file, args, { env: options.env, stdio: options.stdio as StdioOptions, cwd: options.cwd });
  if (child.pid !== undefined) return Promise.resolve(child);
  // libuv could not start it (EAGAIN, ENOMEM, a bad cwd): the reason arrives as an 'error' event.
  return new Promise((_, reject) => child.once('error', (cause) => reject(new ListenFdsError(`activate: could not start ${file}: ${cause.message}`, 'ESPAWN', { cause }))));
}

function pidOf(child: SpawnAdapterResult): number {
  const pid =
    child !== null && typeof child === 'object'
      ? 'leader' in child
        ? (child as { leader?: { pid?: number | undefined } }).leader?.pid
        : (child as { pid?: number | undefined }).pid
      : undefined;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) {
    throw new ListenFdsError(`activate: the spawn adapter returned no pid (got ${describeValue(pid)})`, 'ESPAWN');
  }
  return pid;
}

/** A close-on-exec pipe; the read end goes to the child through stdio (libuv's dup2 clears the flag there). */
function openPipe(): [number, number] {
  const f = libc();
  const fds = new Int32Array(2);
  if (f.pipe2(fds, C.O_CLOEXEC) < 0) throw syscallError('pipe2()', f.errno(), 'for the pre-exec step');
  return [fds[0] as number, fds[1] as number];
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Closing on a failure path: the original error is the one to report.
  }
}
