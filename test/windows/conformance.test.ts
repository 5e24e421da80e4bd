// The shared conformance behaviours (test/conformance/) as they apply to the job backend, run
// under Wine: each behaviour either runs here (in this file, or in the Windows test named) or is
// skipped with the guarantee or platform fact that makes it not apply. The conformance files
// themselves run on Linux, against the backends available there; they cannot drive a Windows
// node.exe, so the job backend's subset is this ledger plus the scenarios it runs.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { killByToken, runWindowsNode, script, wineUnavailable } from './wine.js';

const skip = wineUnavailable();
const token = `pgwin-${randomUUID()}`;

afterEach(() => {
  expect(killByToken(token)).toEqual([]);
});

/** Behaviours run by another file of test/windows/: [file, words of the test's title]. */
const coveredElsewhere: Record<string, [string, string]> = {
  'empty-waits-for-grandchild': ['job-trees.test.ts', 'a leader that exits leaves its members in the group'],
  'grandchildren-are-members': ['job-trees.test.ts', 'a detached grandchild whose parent exited is a member'],
  'leader-daemonizes': ['job-trees.test.ts', 'what `cmd /c start /b` started is a member'],
  'leader-exit': ['job-trees.test.ts', 'a leader that exits leaves its members in the group'],
  'kill-resolves-when-empty': ['job-trees.test.ts', 'kill() ends it'],
  'kill-while-forking': ['job-trees.test.ts', 'kill() of a tree still spawning'],
  'stop-while-forking': ['job-spawn.test.ts', 'stops it (terminating where no console event can be sent)'],
  'owner-death': ['job-owner.test.ts', 'SIGKILL of the owner'],
  'list-groups': ['cli.test.ts', 'ls and ps find a group another pg runs'],
  'open-group': ['job-spawn.test.ts', 'lists and reopens its group'],
  'missing-command': ['job-spawn.test.ts', 'names what it cannot do'],
  'invalid-options': ['job-spawn.test.ts', 'names what it cannot do'],
  'capability-checks': ['job-spawn.test.ts', 'names what it cannot do'],
};

/** Behaviours that do not apply to the job backend, and why. */
const notApplicable: Record<string, string> = {
  'escapes': 'Windows has no setsid or process groups to escape through; a job allows no breakaway (CREATE_BREAKAWAY_FROM_JOB is refused)',
  'setsid-escaper': 'Windows has no setsid()',
  'signal-busy-tree': 'signalReachesNewMembers is false: Windows has no signals, SIGTERM terminates the whole job in one call',
  'signal-real-time': 'Windows has no real-time signals',
  'recycled-pid': 'neverSignalsRecycledPid holds by construction (the kernel terminates by job, pg never signals a pid); pid reuse cannot be forced under Wine',
  'stop-escalates': 'stop() first sends CTRL_BREAK_EVENT, which Wine cannot deliver (no console): written against the Windows documentation, not yet run on Windows',
};

describe.skipIf(skip !== undefined)(`conformance, job backend under Wine${skip === undefined ? '' : ` skipped: ${skip}`}`, () => {
  it('abort-signal, dispose-twice, signal-empty-group: abort stops, dispose twice kills once, an empty group takes signals quietly', async () => {
    const r = await runWindowsNode<Record<string, unknown>>(script('group.mjs'), ['lifecycle', token]);
    expect(r.abortedMembers).toEqual([]);
    expect(r.abortedExit).toEqual({ code: null, signal: 'SIGKILL' }); // no console under Wine: terminated at once
    expect(r.disposedMembers).toEqual([]);
    expect(r.disposedClosed).toBe(true);
    expect(r.emptySignal).toBeNull();
    expect(r.emptyKill).toBeNull();
    expect(r.emptyStop).toBeNull();
  });

  it('every conformance behaviour is run here, run by a named Windows test, or skipped with its reason', () => {
    const here = 'abort-signal dispose-twice signal-empty-group'.split(' ');
    const behaviours = readdirSync(fileURLToPath(new URL('../conformance/', import.meta.url)))
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => f.replace(/\.test\.ts$/, ''));
    const unaccounted = behaviours.filter((b) => !here.includes(b) && !(b in coveredElsewhere) && !(b in notApplicable));
    expect(unaccounted).toEqual([]);
    for (const [behaviour, [file, title]] of Object.entries(coveredElsewhere)) {
      const text = readFileSync(fileURLToPath(new URL(`./${file}`, import.meta.url)), 'utf8');
      expect(text.includes(title), `${behaviour}: ${file} has no test "${title}"`).toBe(true);
    }
  });

  for (const [behaviour, why] of Object.entries(notApplicable)) {
    it.skip(`${behaviour} [job] skipped: ${why}`, () => undefined);
  }
});
