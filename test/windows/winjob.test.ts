// @pg/winjob under Wine with a Windows node.exe: the calls the job backend stands on, against
// Wine's kernel32 (docs/windows.md says which rows Wine does not model).
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { killByToken, runWindowsNode, script, wineUnavailable } from './wine.js';

const skip = wineUnavailable();
const token = `pgwin-${randomUUID()}`;

afterEach(() => {
  // Whatever a script left behind carries the token in its command line.
  expect(killByToken(token)).toEqual([]);
});

describe.skipIf(skip !== undefined)(`@pg/winjob under Wine${skip === undefined ? '' : ` skipped: ${skip}`}`, () => {
  it('starts a leader suspended inside a job, lists it and its grandchild, terminates them all, reports empty', async () => {
    const r = await runWindowsNode<{
      leader: number;
      grandchild: number;
      out: string;
      pids: number[];
      grandchildParent: number;
      grandchildExe: string;
      accounting: { totalProcesses: number; activeProcesses: number };
      exitBefore: number | null;
      exitAfter: number | null;
      pidsAfter: number[];
      events: [number, number][];
    }>(script('winjob-basics.mjs'), [token]);
    // The pipes: the leader printed, read its stdin through our named pipe and echoed it.
    expect(r.out).toContain('echo hello');
    expect(r.pids).toEqual([r.leader, r.grandchild].sort((a, b) => a - b));
    expect(r.grandchildParent).toBe(r.leader);
    expect(r.grandchildExe.toLowerCase()).toBe('node.exe');
    expect(r.accounting).toMatchObject({ totalProcesses: 2, activeProcesses: 2 });
    expect(r.exitBefore).toBeNull();
    expect(r.exitAfter).toBe(137);
    expect(r.pidsAfter).toEqual([]);
    // NEW_PROCESS (6) for both members, then ACTIVE_PROCESS_ZERO (4) last.
    expect(r.events.filter(([m]) => m === 6).map(([, pid]) => pid).sort()).toEqual([r.leader, r.grandchild].sort());
    expect(r.events.at(-1)).toEqual([4, 0]);
  });
});
