import { statSync } from 'node:fs';
import { availableBackends, effectiveChoice, selectBackend } from './select.js';
import type { Backend, GroupInfo, OwnerExitPolicy } from './backend.js';
import { GroupGoneError, InvalidOptionError, RefusedGroupError, SpawnError, UnsupportedError } from './errors/index.js';
import { checkSpawnAgainst } from './capabilities.js';
import { validateSpawn, type SpawnGroupOptions } from './options.js';
import { DEFAULT_STOP_TIMEOUT_MS, ProcessGroup } from './process-group.js';
import { resolveCommand } from './resolve-command.js';

/**
 * Starts `file` with `args` as the leader of a new process group, on the strongest backend this
 * machine allows (or the one named). The leader is a member before it runs its first
 * instruction, and so is everything it forks (daemons too, where `guarantees` says so).
 *
 * A command that does not exist rejects with `SpawnError` before anything is created.
 * Bad options throw `InvalidOptionError` (a `TypeError`) naming the option.
 */
export async function spawnGroup(file: string, args: readonly string[] = [], options?: SpawnGroupOptions): Promise<ProcessGroup> {
  const o = validateSpawn(file, args, options);
  const choice = effectiveChoice(o.backend);
  o.signal?.throwIfAborted();
  const env = o.env ?? process.env;
  if (o.cwd !== undefined) checkCwd(o.cwd);
  const path = resolveCommand(file, env, o.cwd);
  const backend = await selectBackend(choice);
  const stdio = o.stdio ?? 'pipe';
  checkSpawnAgainst(backend.name, backend.capabilities(), { stdio, limits: o.limits });
  const onOwnerExit = ownerExitPolicy(backend, o.onOwnerExit);
  o.signal?.throwIfAborted();
  const inner = await backend.spawn({
    file: path,
    args: [...args],
    cwd: o.cwd,
    env,
    stdio,
    name: o.name,
    limits: o.limits,
    onOwnerExit,
  });
  const group = new ProcessGroup(backend, inner, { onOwnerExit });
  if (o.signal !== undefined) stopOnAbort(group, o.signal, o.stopTimeout);
  return group;
}

/** A missing or unusable `cwd` is named before anything is created (not "spawn /bin/sh ENOENT"). */
function checkCwd(cwd: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(cwd).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SpawnError(`cannot start the leader in the \`cwd\` ${JSON.stringify(cwd)}: ${code === 'ENOENT' ? 'no such directory' : code} (${code})`, { cause: error, errno: code });
  }
  if (!isDirectory) throw new SpawnError(`cannot start the leader in the \`cwd\` ${JSON.stringify(cwd)}: it is not a directory (ENOTDIR)`, { errno: 'ENOTDIR' });
}

/** `'kill'` by default where the backend can die with its owner; an explicit `'kill'` where it cannot is refused. */
function ownerExitPolicy(backend: Backend, asked: OwnerExitPolicy | undefined): OwnerExitPolicy {
  const can = backend.guarantees().diesWithOwner;
  if (asked === 'kill' && !can) {
    throw new UnsupportedError(
      `the ${backend.name} backend cannot kill the group when its owner dies here (see guarantees.limits); use onOwnerExit: 'keep', or a backend that can (reaper, cgroup with pg-helper)`,
    );
  }
  return asked ?? (can ? 'kill' : 'keep');
}

function stopOnAbort(group: ProcessGroup, signal: AbortSignal, timeout: number | undefined): void {
  // Errors of a stop nobody awaits surface through `group.empty`, which the caller can await.
  const onAbort = () => void group.stop({ timeout: timeout ?? DEFAULT_STOP_TIMEOUT_MS }).catch(() => undefined);
  if (signal.aborted) return onAbort();
  signal.addEventListener('abort', onAbort, { once: true });
  void group.empty.finally(() => signal.removeEventListener('abort', onAbort)).catch(() => undefined);
}

/** Options of `openGroup`. */
export interface OpenGroupOptions {
  /** The backend whose id this is; by default the first available one that recognizes it. */
  readonly backend?: SpawnGroupOptions['backend'];
  /**
   * Open a group pg did not create (the cgroup of a system service, say), so that its members
   * can be signalled and killed. Without it such a group is refused with `RefusedGroupError`:
   * a typo must not end a system service. A group holding PID 1 or the caller is refused always.
   */
  readonly force?: boolean;
}

/**
 * Attaches to a running group by the id a `ProcessGroup` printed (a cgroup path, a contract id,
 * a pgid). The backend is the one whose ids look like `id`, or the one named. Rejects with
 * `GroupGoneError` when no such group exists, and with `RefusedGroupError` for a group that
 * holds PID 1 or the caller, or one pg did not create (unless `force`).
 */
export async function openGroup(id: string, options: OpenGroupOptions = {}): Promise<ProcessGroup> {
  if (typeof id !== 'string' || id === '') throw new InvalidOptionError('id', id, 'a group id as printed by group.id');
  if (options.force !== undefined && typeof options.force !== 'boolean') throw new InvalidOptionError('force', options.force, 'a boolean');
  const choice = effectiveChoice(options.backend);
  let backend: Backend | undefined;
  if (choice !== 'auto') backend = await selectBackend(choice);
  else backend = (await availableBackends()).find((b) => b.recognizes(id));
  if (backend === undefined) throw new GroupGoneError(id, `no available backend recognizes the group id ${JSON.stringify(id)}`);
  const inner = await backend.attach(id);
  if (inner.foreign !== undefined && options.force !== true) {
    throw new RefusedGroupError(id, `refusing group ${id}: pg did not create it (${inner.foreign}); pass force: true (pg: --force) to act on it anyway`);
  }
  const group = new ProcessGroup(backend, inner);
  await group.refuseProtected();
  return group;
}


/**
 * The groups pg created on this host, with every available backend that can find them, each
 * saying whether its creator is gone (orphaned). Orphaned groups can be opened and killed.
 */
export async function listGroups(): Promise<GroupInfo[]> {
  const all: GroupInfo[] = [];
  for (const backend of await availableBackends()) all.push(...(await backend.list()));
  return all;
}
