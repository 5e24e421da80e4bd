// Trees under the job backend, under Wine: what Windows tools leave behind today (a `start /b`
// child, a detached grandchild of an exited parent, a tree spawning while it is killed, members
// outliving the leader) is a member and dies with the group. Checked from Linux too: nothing
// carrying the run's token is left in /proc.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { killByToken, runWindowsNode, script, wineUnavailable } from './wine.js';

const skip = wineUnavailable();
const token = `pgwin-${randomUUID()}`;
const group = script('group.mjs');

interface Member {
  pid: number;
  ppid: number;
  command: string;
}

afterEach(() => {
  // The group's kill ended everything: nothing with the token may be found, let alone killed.
  expect(killByToken(token)).toEqual([]);
});

describe.skipIf(skip !== undefined)(`job backend: trees${skip === undefined ? '' : ` skipped: ${skip}`}`, () => {
  it('a detached grandchild whose parent exited is a member, and kill() ends it', async () => {
    const r = await runWindowsNode<{ grandchild: number; middle: number; leader: number; members: Member[]; membersAfter: Member[]; exit: unknown }>(group, ['detached-orphan', token]);
    expect(r.members.map((m) => m.pid).sort()).toEqual([r.leader, r.grandchild].sort());
    expect(r.members.find((m) => m.pid === r.grandchild)?.ppid).toBe(r.middle); // its parent is gone
    expect(r.membersAfter).toEqual([]);
    expect(r.exit).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('what `cmd /c start /b` started is a member after cmd exited, and kill() ends it', async () => {
    const r = await runWindowsNode<{ cmd: number; leader: number; members: Member[]; membersAfter: Member[] }>(group, ['start-b', token]);
    expect(r.members).toHaveLength(2);
    expect(r.members.map((m) => m.pid)).toContain(r.leader);
    expect(r.members.map((m) => m.pid)).not.toContain(r.cmd);
    expect(r.membersAfter).toEqual([]);
  });

  it('kill() of a tree still spawning leaves nothing (TerminateJobObject also ends processes being created)', async () => {
    const r = await runWindowsNode<{ membersBefore: number; membersAfter: Member[]; exit: unknown }>(group, ['spawning', token]);
    expect(r.membersBefore).toBeGreaterThanOrEqual(2);
    expect(r.membersAfter).toEqual([]);
    expect(r.exit).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('a leader that exits leaves its members in the group: not empty until they are gone', async () => {
    const r = await runWindowsNode<{ member: number; exit: unknown; membersAfterLeader: number[]; emptyYet: boolean; membersAfter: Member[] }>(group, ['leader-exits', token]);
    expect(r.exit).toEqual({ code: 0, signal: null });
    expect(r.membersAfterLeader).toEqual([r.member]);
    expect(r.emptyYet).toBe(false);
    expect(r.membersAfter).toEqual([]);
  });

  it('SIGTERM terminates the whole job, the orphan too; the leader reports SIGTERM', async () => {
    const r = await runWindowsNode<{ exit: unknown; membersAfter: Member[] }>(group, ['sigterm', token]);
    expect(r.exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(r.membersAfter).toEqual([]);
  });
});
