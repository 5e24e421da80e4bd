import { readFile } from 'node:fs/promises';
import type { GroupInfo } from '../../backend.js';
import { formatIdentity, parseIdentity, type ProcessIdentity } from '@pg/procfs';
import { ownerAlive, ownIdentity } from '../owner.js';
import { processTable, type ProcessEntry } from './proc-table.js';

/**
 * A session carries no label of its own, so a posix group is marked through its leader's
 * environment, the way systemd marks a service's processes with `INVOCATION_ID`:
 * `PG_GROUP_OWNER=<pid>.<token>` names the process that created it (its `@pg/procfs` identity:
 * pid plus pidfd id or start time, so a recycled pid is not mistaken for the owner) and
 * `PG_GROUP_NAME` its name. Off Linux there is no /proc to read it back, so only the name is set. Members
 * inherit both. Reading another process's environment needs the same rights as ptrace, so an
 * unprivileged user lists only its own groups.
 */
export const OWNER_VARIABLE = 'PG_GROUP_OWNER';
export const NAME_VARIABLE = 'PG_GROUP_NAME';

/** The variables to add to a leader's environment. */
export async function markerEnv(name: string | undefined): Promise<Record<string, string>> {
  const env: Record<string, string> = process.platform === 'linux' ? { [OWNER_VARIABLE]: formatIdentity(ownIdentity()) } : {};
  if (name !== undefined) env[NAME_VARIABLE] = name;
  return env;
}

/**
 * The posix groups pg created on this host (Linux: found through `/proc/PID/environ`; elsewhere
 * there is no portable way to read another process's environment, so none are listed).
 */
export async function listMarkedSessions(): Promise<GroupInfo[]> {
  if (process.platform !== 'linux') return [];
  const table = await processTable();
  const live = new Map(table.filter((p) => !p.zombie).map((p) => [p.pid, p]));
  const sessions = new Map<number, ProcessEntry[]>();
  for (const p of live.values()) {
    if (p.sid === undefined || p.sid <= 1) continue;
    const members = sessions.get(p.sid) ?? [];
    members.push(p);
    sessions.set(p.sid, members);
  }
  const groups: GroupInfo[] = [];
  for (const [sid, members] of sessions) {
    // The leader first: it is the one pg started, and its environment is what pg set.
    const ordered = [...members].sort((a, b) => (a.pid === sid ? -1 : b.pid === sid ? 1 : a.pid - b.pid));
    const marker = await firstMarker(ordered);
    if (marker === undefined) continue;
    groups.push({
      backend: 'posix',
      id: String(sid),
      name: marker.name,
      ownerPid: marker.owner.pid,
      orphaned: !ownerAlive(marker.owner),
      memberCount: members.length,
    });
  }
  return groups;
}

interface Marker {
  readonly owner: ProcessIdentity;
  readonly name: string | undefined;
}

async function firstMarker(members: readonly ProcessEntry[]): Promise<Marker | undefined> {
  for (const p of members.slice(0, 3)) {
    let environ: string;
    try {
      environ = await readFile(`/proc/${p.pid}/environ`, 'latin1');
    } catch {
      continue; // gone meanwhile, or not ours to read (EACCES)
    }
    const marker = parseMarker(environ);
    if (marker !== undefined) return marker;
  }
  return undefined;
}

/** Finds the marker variables in a NUL-separated environment block. */
export function parseMarker(environ: string): Marker | undefined {
  let owner: string | undefined;
  let name: string | undefined;
  for (const entry of environ.split('\0')) {
    if (entry.startsWith(`${OWNER_VARIABLE}=`)) owner = entry.slice(OWNER_VARIABLE.length + 1);
    else if (entry.startsWith(`${NAME_VARIABLE}=`)) name = entry.slice(NAME_VARIABLE.length + 1);
  }
  const identity = owner === undefined ? undefined : parseIdentity(owner);
  return identity === undefined ? undefined : { owner: identity, name };
}
