import { isAbsolute } from 'node:path';
import type { StdioOptions } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { HelperError } from '../errors.js';
import { helperPathOr } from '../find.js';
import { currentDirectory, SpawnerConnection, type SpawnerExit } from './connection.js';
import { encodeRelease, encodeSpawn, envStrings } from './request.js';
import { prepareStdio } from './stdio.js';

/** How to start one leader through the spawner. */
export interface SpawnLeaderOptions {
  /** Absolute path (resolve PATH first): the spawner uses execve. */
  readonly file: string;
  readonly args: readonly string[];
  /** argv[0] (default: `file`). */
  readonly argv0?: string;
  readonly cwd?: string;
  /** The leader's whole environment (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** As for `child_process.spawn`, except 'ipc' (a TypeError). Default: 'pipe' for 0..2. */
  readonly stdio?: StdioOptions;
  /** A cgroup v2 directory: the leader is created in it with clone3(CLONE_INTO_CGROUP). */
  readonly cgroupDir?: string;
  /** When this process dies, leave the group running (else the spawner kills the cgroup). */
  readonly keep: boolean;
  /** More fds for the leader, at these numbers (the reaper's control socket). */
  readonly extraFds?: readonly { readonly fd: number; readonly target: number }[];
  /** This process's identity (`PID.TOKEN`, as `--owner` takes it), for the spawner's argv (a /proc scan reads it). */
  readonly owner?: string;
  /** The binary (default: `findHelper()`). */
  readonly helperPath?: string;
  /** A spawner started elsewhere (`startDelegatedSpawner`), instead of this process's own. */
  readonly spawner?: SpawnerConnection;
}

/** How the leader ended; `lost` is set when the spawner died first and the status is unknown. */
export interface LeaderExitStatus extends SpawnerExit {
  readonly lost?: HelperError;
}

/** A leader the spawner started: a child of the spawner, not of this process. */
export interface SpawnedLeader {
  readonly pid: number;
  /** Its 64-bit pidfd id (pidfs, Linux 6.9+), undefined where the kernel has none. */
  readonly pidfdId: bigint | undefined;
  /** Its start time (clock ticks since boot, /proc/PID/stat field 22), read by the spawner before any reap. */
  readonly startTime: string;
  /** This process's end of each 'pipe' entry, null elsewhere; index = the leader's fd. */
  readonly stdio: readonly (Readable | Writable | null)[];
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** The spawner that holds it (its pid names it in errors). */
  readonly spawnerPid: number;
  /** Settles once the spawner has reaped the leader, or has itself ended (then `lost`). Never rejects. */
  readonly exited: Promise<LeaderExitStatus>;
  /** Let this process exit while the leader runs. */
  unref(): void;
  /** The owner is done with the group (it is empty and closed): the spawner forgets it. */
  release(): void;
}

let current: SpawnerConnection | undefined;

/**
 * This process's spawner: started on first use, and again when the last one ended or this
 * process is a fork of the one that started it.
 * @throws HelperError `'ENOHELPER'` without a usable binary, `'EHELPER'` when it cannot start.
 */
export function spawnerFor(helperPath?: string, owner?: string): SpawnerConnection {
  if (current !== undefined && current.alive && current.ownerPid === process.pid) return current;
  const path = helperPathOr(helperPath);
  current = SpawnerConnection.start(path, owner);
  return current;
}

/**
 * Ends this process's spawner, if one runs, as this process's death would: every cgroup group it
 * started that was not kept is killed and its directory removed. The next spawn starts a new one.
 */
export async function closeSpawner(): Promise<void> {
  const spawner = current;
  current = undefined;
  if (spawner !== undefined && spawner.ownerPid === process.pid) await spawner.close();
}

/**
 * Starts `file` through this process's spawner and resolves once it has exec'd. In a cgroup
 * (`cgroupDir`) it is created inside with clone3, before it runs an instruction; its stdio is
 * what `stdio` says, with close-on-exec pipes wrapped in `net.Socket` for 'pipe'. It runs in a
 * session of its own.
 * @throws TypeError for invalid options; HelperError with the errno name (`'ENOENT'`,
 *   `'EACCES'`…, `syscall` = the spawner's failed step: 'exec', 'chdir', 'clone3', 'cgroup'…),
 *   or `'ESPAWNER'` when the spawner ended before answering.
 */
export function spawnLeader(options: SpawnLeaderOptions): Promise<SpawnedLeader> {
  const { file, args } = options;
  if (typeof file !== 'string' || !isAbsolute(file) || file.includes('\0')) {
    throw new TypeError(`Invalid option \`file\`: got ${String(file)}, expected an absolute path without NUL (resolve PATH first).`);
  }
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) {
    throw new TypeError(`Invalid option \`args\`: got ${String(args)}, expected an array of strings.`);
  }
  if (options.cgroupDir !== undefined && !isAbsolute(options.cgroupDir)) {
    throw new TypeError(`Invalid option \`cgroupDir\`: got ${String(options.cgroupDir)}, expected an absolute path to a cgroup v2 directory.`);
  }
  const spawner = options.spawner ?? spawnerFor(options.helperPath, options.owner);
  const stdio = prepareStdio(options.stdio);
  const fds = [...stdio.fds, ...(options.extraFds ?? []).map((e) => e.fd)];
  const targets = [...stdio.targets, ...(options.extraFds ?? []).map((e) => e.target)];
  const id = spawner.nextId();
  let payload: Buffer;
  try {
    const env = envStrings(options.env ?? process.env);
    const argv = [options.argv0 ?? file, ...args];
    // No cwd asked: this process's current one, as child_process gives. The spawner has it already
    // unless this process changed directory since it started it, or it started elsewhere (a user
    // manager's unit); only then is it passed (a chdir the spawner need not do cannot fail).
    const here = currentDirectory();
    const cwd = options.cwd ?? (here !== undefined && here !== spawner.cwd ? here : undefined);
    payload = encodeSpawn({ id, keep: options.keep, cgroupDir: options.cgroupDir, cwd, targets, file, argv, env });
  } catch (error) {
    stdio.discard();
    throw error;
  }
  return new Promise<SpawnedLeader>((resolve, reject) => {
    let resolveExit!: (exit: LeaderExitStatus) => void;
    const exited = new Promise<LeaderExitStatus>((r) => (resolveExit = r));
    let started = false;
    spawner.request(
      id,
      payload,
      fds,
      {
        spawned(pid, pidfdId, startTime) {
          started = true;
          resolve({
            pid,
            pidfdId: pidfdId === 0n ? undefined : pidfdId,
            startTime,
            stdio: stdio.streams,
            stdin: (stdio.streams[0] ?? null) as Writable | null,
            stdout: (stdio.streams[1] ?? null) as Readable | null,
            stderr: (stdio.streams[2] ?? null) as Readable | null,
            spawnerPid: spawner.pid,
            exited,
            unref: () => {
              spawner.unhold(id);
              for (const s of stdio.streams) (s as { unref?(): void } | null)?.unref?.();
            },
            release: () => spawner.release(id, encodeRelease(id)),
          });
        },
        failed(error) {
          stdio.discard();
          reject(error);
        },
        exit: resolveExit,
        lost(error) {
          if (!started) {
            stdio.discard();
            reject(error);
          }
          resolveExit({ code: null, signal: null, lost: error });
        },
      },
      // Sent: the spawner holds its own copies now; the leader alone must have the far ends,
      // or a reader here would never see EOF.
      () => stdio.closeChildEnds(),
    );
  });
}
