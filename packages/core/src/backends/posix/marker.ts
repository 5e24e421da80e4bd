import { readFile } from 'node:fs/promises';
import type { GroupInfo } from '../../backend.js';
import { ownerMark } from '../owner-mark.js';
import { processTable, type ProcessEntry } from './proc-table.js';

/**
 * A session carries no label of its own, so a posix group is marked through its leader's
 * environment, the way systemd marks a service's processes with `INVOCATION_ID`:
 * `PG_GROUP_OWNER=<pid>:<start time>` names the process that created it (pid plus start time,
 * so a recycled pid is not mistaken for the owner) and `PG_GROUP_NAME` its name. Members
 * inherit both. Reading another process's environment needs the same rights as ptrace, so an
 * unprivileged user lists only its own groups.
 */
export const OWNER_VARIABLE = 'PG_GROUP_OWNER';
export const NAME_VARIABLE = 'PG_GROUP_NAME';

/** The variables to add to a leader's environment. */
export async function markerEnv(name: string | undefined): Promise<Record<string, string>> {
  const env: Record<string, string> = { [OWNER_VARIABLE]: await ownerMark() };
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
    const owner = live.get(marker.ownerPid);
    groups.push({
      backend: 'posix',
      id: String(sid),
      name: marker.name,
      ownerPid: marker.ownerPid,
      orphaned: owner === undefined || owner.startTime !== marker.ownerStart,
      memberCount: members.length,
    });
  }
  return groups;
}

interface Marker {
  readonly ownerPid: number;
  readonly ownerStart: string;
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
  const match = owner === undefined ? null : /^([1-9]\d*):(\d*)$/.exec(owner);
  if (match === null) return undefined;
  return { ownerPid: Number(match[1]), ownerStart: match[2] ?? '', name };
}
