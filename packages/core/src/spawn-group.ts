import { availableBackends, effectiveChoice, selectBackend } from './select.js';
import type { GroupInfo } from './backend.js';
import { GroupGoneError, InvalidOptionError } from './errors/index.js';
import { validateSpawn, type SpawnGroupOptions } from './options.js';
import { ProcessGroup } from './process-group.js';
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
  const path = resolveCommand(file, env, o.cwd);
  const backend = await selectBackend(choice);
  o.signal?.throwIfAborted();
  const inner = await backend.spawn({
    file: path,
    args: [...args],
    cwd: o.cwd,
    env,
    stdio: o.stdio ?? 'pipe',
    name: o.name,
    limits: o.limits,
  });
  const group = new ProcessGroup(backend.name, backend.guarantees(), inner);
  if (o.signal !== undefined) stopOnAbort(group, o.signal, o.stopTimeout);
  return group;
}

function stopOnAbort(group: ProcessGroup, signal: AbortSignal, timeout: number | undefined): void {
  // Errors of a stop nobody awaits surface through `group.empty`, which the caller can await.
  const onAbort = () => void group.stop({ timeout: timeout ?? 5000 }).catch(() => undefined);
  if (signal.aborted) return onAbort();
  signal.addEventListener('abort', onAbort, { once: true });
  void group.empty.finally(() => signal.removeEventListener('abort', onAbort)).catch(() => undefined);
}

/**
 * Attaches to a running group by the id a `ProcessGroup` printed (a cgroup path, a contract id,
 * a pgid). The backend is the one whose ids look like `id`, or the one named. Rejects with
 * `GroupGoneError` when no such group exists.
 */
export async function openGroup(id: string, options: { backend?: SpawnGroupOptions['backend'] } = {}): Promise<ProcessGroup> {
  if (typeof id !== 'string' || id === '') throw new InvalidOptionError('id', id, 'a group id as printed by group.id');
  const choice = effectiveChoice(options.backend);
  if (choice !== 'auto') {
    const backend = await selectBackend(choice);
    return new ProcessGroup(backend.name, backend.guarantees(), await backend.attach(id));
  }
  for (const backend of await availableBackends()) {
    if (backend.recognizes(id)) return new ProcessGroup(backend.name, backend.guarantees(), await backend.attach(id));
  }
  throw new GroupGoneError(id, `no available backend recognizes the group id ${JSON.stringify(id)}`);
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
