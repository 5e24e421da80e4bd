// The leader gets the caller's stdio entries at the same numbers and nothing else (the control
// fd never), and the helper lets go of them, so a reader sees EOF as with a plain spawn.
import type { StdioOptions } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readlinkSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startHelper } from '../src/index.js';
import { alive, cleanup, collect, descendants, options, procStat, track, trackProcs, until } from './helpers.js';

afterEach(cleanup);
const scratch = mkdtempSync(join(tmpdir(), 'pg-helper-stdio-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// `ls` (a child of the shell) lists the shell's fds, so the listing itself adds none to them.
const LIST_FDS = 'ls -l /proc/$$/fd; echo extra >&3; echo file >&4';

function target(link: string): string | undefined {
  try {
    return readlinkSync(link);
  } catch {
    return undefined; // the fd readdir used for itself, closed since
  }
}

function fdsOf(text: string): Map<number, string> {
  const fds = new Map<number, string>();
  for (const m of text.matchAll(/ (\d+) -> (.*)$/gm)) fds.set(Number(m[1]), m[2] as string);
  return fds;
}

describe('stdio', () => {
  // Exactly these: even an fd this process inherited without FD_CLOEXEC (which a plain spawn
  // would pass on) stays out.
  it('reaches the leader at the same numbers, without the control fd', async () => {
    const file = join(scratch, 'fd4');
    const fd4 = openSync(file, 'w');
    const stdio: StdioOptions = ['ignore', 'pipe', 'pipe', 'pipe', fd4];
    try {
      const h = track(await startHelper(options('/bin/sh', ['-c', LIST_FDS], { stdio })));
      const out = collect(h.child.stdout);
      const extra = collect(h.child.stdio[3] as Readable);
      expect(await h.exited).toEqual({ code: 0, signal: null });
      await out.ended;
      await extra.ended;

      const fds = fdsOf(out.text());
      expect([...fds.keys()].sort()).toEqual([0, 1, 2, 3, 4]);
      expect(fds.get(0)).toBe('/dev/null');
      expect(fds.get(4)).toBe(file);
      expect(fds.get(1)).toMatch(/^(pipe|socket):/);
      expect(extra.text()).toBe('extra\n');
      expect(readFileSync(file, 'utf8')).toBe('file\n');
    } finally {
      closeSync(fd4);
    }
  });

  it('the helper keeps none of the caller\'s fds once the leader runs', async () => {
    const h = track(await startHelper(options('/bin/sh', ['-c', 'echo ready; sleep 30'], { stdio: ['pipe', 'pipe', 'pipe', 'pipe'] })));
    const out = collect(h.child.stdout);
    const pid = h.child.pid as number;
    // Once `started` resolved, the hand-off is done: 0..2 are /dev/null, 3 is closed, 4 is the control.
    const own = new Map(readdirSync(`/proc/${pid}/fd`).map((n) => [Number(n), readlinkSync(`/proc/${pid}/fd/${n}`)]));
    expect(own.get(0)).toBe('/dev/null');
    expect(own.get(1)).toBe('/dev/null');
    expect(own.get(2)).toBe('/dev/null');
    expect(own.has(3)).toBe(false);
    expect(own.get(4)).toMatch(/^socket:/);
    // Anything else is the helper's own (anon_inode: signalfd, pidfd) or came with this process's
    // environment (an fd leaked to us, close-on-exec in the helper): none is a copy of an entry.
    const inherited = new Set(readdirSync('/proc/self/fd').map((n) => target(`/proc/self/fd/${n}`)));
    const rest = [...own].filter(([n, t]) => n > 4 && !t.startsWith('anon_inode:') && !inherited.has(t));
    expect(rest).toEqual([]);
    // The leader has no socket but its own stdio entries.
    const leaderFds = readdirSync(`/proc/${h.leaderPid}/fd`).map(Number).sort();
    expect(leaderFds).toEqual([0, 1, 2, 3]);
    await until(() => out.text() === 'ready\n', 'the leader');
  });

  it('a reader of stdout sees EOF when the leader exits, even while the helper waits for a daemon', async () => {
    // The daemon holds no copy of stdout; the helper (a subreaper) lives on because of it.
    const script = 'echo hi; (setsid sleep 30 </dev/null >/dev/null 2>&1 &); exit 0';
    const h = track(await startHelper(options('/bin/sh', ['-c', script], { stdio: ['ignore', 'pipe', 'ignore'], subreaper: true })));
    const out = collect(h.child.stdout);
    await out.ended;
    expect(out.text()).toBe('hi\n');
    expect(await h.leaderExit).toEqual({ code: 0, signal: null });
    const helper = h.child.pid as number;
    const daemons = descendants(helper);
    expect(daemons.map((d) => d.ppid)).toEqual([helper]);
    trackProcs(daemons);
    expect(h.child.exitCode).toBe(null);
    expect(alive({ pid: helper, start: procStat(helper)?.start ?? -1 })).toBe(true);
  });
});
