// What the recycled-pid behaviour needs to open the race it is named for, on demand: a member
// that a signal pass has just listed dies, and an unrelated process takes its pid, before that
// pass signals anyone. Nothing the kernel does is replaced: the backend reads its member list
// from the kernel as always and gets the kernel's answer; `afterMemberListRead` only runs the
// swap at the moment that read completes. Root only: the pid is handed out through
// /proc/sys/kernel/ns_last_pid (docs/linux.md, "Recycled pids on demand").
import { spawn, type ChildProcess } from 'node:child_process';
import fs, { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { constants } from 'node:os';

/** The kernel files a backend reads its member list from: a cgroup's, and a process's children. */
const MEMBER_LIST = /(?:\/cgroup\.procs|\/task\/\d+\/children)$/;
/**
 * The backend primitives that scan and then signal (`BackendGroup` in @pg/core's backend.ts): a
 * signal pass, and a pass of the hold that stops every member where a backend cannot freeze.
 */
const SIGNALLING_PRIMITIVE = /\b(?:signalPass|holdPass)\b/;

type SyncFs = Record<'openSync' | 'readSync' | 'closeSync', (...args: unknown[]) => unknown>;

/**
 * Runs `action` once, synchronously, right after the first read of a member list that names `pid`
 * made from inside a backend's signalling primitive, before the primitive sees the read's result.
 * Until `restore()`, `node:fs`'s synchronous open/read/close are wrapped (and the ESM bindings
 * every module imported synced to the wrappers); the reads still go to the kernel unchanged.
 * An error `action` throws is thrown from that read, so the pass stops without signalling anyone.
 */
export function afterMemberListRead(pid: number, action: () => void): { readonly fired: () => boolean; restore(): void } {
  const target = fs as unknown as SyncFs;
  const real = { openSync: target.openSync, readSync: target.readSync, closeSync: target.closeSync };
  const reading = new Map<number, string>(); // fd of a member list → the text read from it so far
  let fired = false;
  target.openSync = (...args) => {
    const fd = real.openSync.apply(fs, args) as number;
    if (!fired && typeof args[0] === 'string' && MEMBER_LIST.test(args[0])) reading.set(fd, '');
    return fd;
  };
  target.readSync = (...args) => {
    const n = real.readSync.apply(fs, args) as number;
    const text = reading.get(args[0] as number);
    if (text !== undefined && n > 0) {
      const buffer = args[1] as NodeJS.ArrayBufferView;
      const options = args[2];
      const offset = typeof options === 'number' ? options : ((options as { offset?: number } | undefined)?.offset ?? 0);
      reading.set(args[0] as number, text + Buffer.from(buffer.buffer, buffer.byteOffset + offset, n).toString('latin1'));
    }
    return n;
  };
  target.closeSync = (...args) => {
    real.closeSync.apply(fs, args);
    const text = reading.get(args[0] as number);
    reading.delete(args[0] as number);
    if (fired || text === undefined || !text.split(/\s+/).includes(String(pid)) || !calledFrom(SIGNALLING_PRIMITIVE)) return;
    fired = true;
    action();
  };
  syncBuiltinESMExports();
  return {
    fired: () => fired,
    restore() {
      Object.assign(target, real);
      syncBuiltinESMExports();
    },
  };
}

function calledFrom(frame: RegExp): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  try {
    return frame.test(new Error().stack ?? '');
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Block every signal, reap children at once, and fork a sleeper for each SIGUSR1. */
const FACTORY = `use POSIX;
my $all = POSIX::SigSet->new; $all->fillset; sigprocmask(SIG_BLOCK, $all) or die "sigprocmask: $!";
$SIG{CHLD} = 'IGNORE'; $SIG{USR1} = sub {};
my $wait = POSIX::SigSet->new; $wait->fillset; $wait->delset(SIGUSR1);
$| = 1; print "ready\\n";
for (;;) { POSIX::sigsuspend($wait); my $pid = fork; if (defined $pid && $pid == 0) { sleep 1000 while 1; POSIX::_exit(0) } }`;

/**
 * A process that forks, on request, an unrelated process that blocks every signal from its first
 * instruction (the mask is inherited through fork), so every signal that reaches it leaves a
 * trace: pending (SigPnd/ShdPnd), or stopped for SIGSTOP. Signals blocked in a fresh child of
 * `child_process.spawn` would not be: libuv unblocks them and the program blocks them only later.
 * Its children are reaped at once (SIGCHLD ignored), so a killed one frees its pid.
 */
export class UnrelatedProcesses {
  readonly #factory: ChildProcess;
  readonly #made: number[] = [];
  readonly ready: Promise<void>;

  constructor() {
    this.#factory = spawn('/usr/bin/perl', ['-e', FACTORY], { stdio: ['ignore', 'pipe', 'inherit'] });
    const factory = this.#factory;
    this.ready = new Promise((resolve, reject) => {
      let out = '';
      factory.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('ready\n')) resolve();
      });
      factory.once('error', reject);
      factory.once('exit', (code, signal) => reject(new Error(`the perl process factory exited (${signal ?? code}) before it was ready`)));
    });
  }

  /**
   * Kills `pid` (a member whose parent reaps it at once), waits for its pid to be free, then has an
   * unrelated process take it. Synchronous: it runs between a backend's scan and its signals.
   * @throws Error when another process of this machine took the pid first, or none could.
   */
  takePidOf(pid: number): number {
    process.kill(pid, 'SIGKILL');
    waitFor(() => !existsSync(`/proc/${pid}`), `pid ${pid} to be freed after its SIGKILL`);
    const factory = this.#factory.pid as number;
    for (let attempt = 0; attempt < 100; attempt++) {
      if (existsSync(`/proc/${pid}`)) throw new Error(`pid ${pid} was taken by another process of this machine first`);
      writeFileSync('/proc/sys/kernel/ns_last_pid', String(pid - 1));
      process.kill(factory, 'SIGUSR1');
      let made: number | undefined;
      waitFor(() => (made = childrenOf(factory)[0]) !== undefined, `the factory ${factory} to fork`);
      this.#made.push(made as number);
      if (made === pid) return pid;
      // Another fork of this machine came between the write and the factory's fork: again.
      process.kill(made as number, 'SIGKILL');
      waitFor(() => childrenOf(factory).length === 0, `the factory's child ${made} to be reaped`);
    }
    throw new Error(`no unrelated process could take pid ${pid} in 100 attempts`);
  }

  /** Kills, by pid, every process this made, and the factory; resolves once the factory exited. */
  async dispose(): Promise<void> {
    for (const pid of this.#made.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
    const factory = this.#factory;
    if (factory.exitCode !== null || factory.signalCode !== null) return;
    const exited = new Promise((resolve) => factory.once('exit', resolve));
    factory.kill('SIGKILL');
    await exited;
  }
}

/**
 * The signals pending for `pid` (thread and process, by name, e.g. `SIGTERM`, `SIG34` for a
 * real-time one), and whether it is stopped, from /proc/PID/status.
 */
export function signalTraces(pid: number): { pending: string[]; stopped: boolean } {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const mask = (name: string) => BigInt(`0x${new RegExp(`^${name}:\\s*([0-9a-f]+)$`, 'm').exec(status)?.[1] ?? '0'}`);
  const pending = mask('SigPnd') | mask('ShdPnd');
  const names: string[] = [];
  for (let n = 1; n <= 64; n++) if ((pending >> BigInt(n - 1)) & 1n) names.push(SIGNAL_NAMES.get(n) ?? `SIG${n}`);
  const state = /^State:\s*(\S)/m.exec(status)?.[1];
  return { pending: names, stopped: state === 'T' || state === 't' };
}

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name]));

function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').split(' ').filter(Boolean).map(Number);
}

/** Polls synchronously (1 ms naps) until `condition` holds, for at most 10 s. */
function waitFor(condition: () => boolean, what: string): void {
  const nap = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after 10 s waiting for ${what}`);
    Atomics.wait(nap, 0, 0, 1);
  }
}
