import type { Member } from '@pg/core';

/**
 * Members as a tree by parent, like illumos `ptree -c`: each member under its parent, members
 * whose parent is outside the group (an adopted orphan, the leader) at the top. Siblings by pid.
 */
export function renderTree(members: readonly Member[]): string[] {
  const byPid = new Map<number, Member>();
  for (const m of members) byPid.set(m.pid, m); // cgroup.procs may list a pid twice
  const children = new Map<number, Member[]>();
  const roots: Member[] = [];
  for (const m of byPid.values()) {
    if (m.ppid !== m.pid && byPid.has(m.ppid)) children.set(m.ppid, [...(children.get(m.ppid) ?? []), m]);
    else roots.push(m);
  }
  const width = Math.max(0, ...[...byPid.keys()].map((pid) => String(pid).length));
  const lines: string[] = [];
  const walk = (m: Member, depth: number) => {
    lines.push(`${'  '.repeat(depth)}${String(m.pid).padStart(width)}  ${m.command || '?'}`);
    for (const c of (children.get(m.pid) ?? []).sort((a, b) => a.pid - b.pid)) walk(c, depth + 1);
  };
  for (const r of roots.sort((a, b) => a.pid - b.pid)) walk(r, 0);
  return lines;
}
