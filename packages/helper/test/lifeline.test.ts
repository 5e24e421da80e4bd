// The lifeline: the owner's end of the control socket closes when the owner dies, even by
// SIGKILL, and the helper then kills the group (unless --keep). closeControl() is the same event
// from a live owner.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseHelperCmdline, startHelper } from '../src/index.js';
import { alive, cleanup, collect, descendants, fixture, options, procStat, track, trackProcs, until, type Proc } from './helpers.js';

afterEach(cleanup);
beforeAll(() => {
  // The owner fixture is plain Node: it imports the built package.
  if (!existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)))) throw new Error('dist/ is missing: run npm run build -w @pg/helper');
});

/** Start the owner fixture; resolve with the helper and every member, all alive. */
async function startOwner(keep: boolean, subreaper: boolean) {
  const owner = spawn(process.execPath, [fixture('owner.mjs'), keep ? 'keep' : 'kill', subreaper ? 'subreaper' : 'plain'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const out = collect(owner.stdout);
  await until(() => out.text().endsWith('\n') || owner.exitCode !== null, 'the owner to start its tree');
  const { helper } = JSON.parse(out.text()) as { helper: number; leader: number };
  const helperProc: Proc = { pid: helper, start: procStat(helper)?.start ?? -1 };
  const expected = subreaper ? 3 : 2; // leader, sleep (and the reparented daemon)
  await until(() => descendants(helper).filter((p) => p.state !== 'Z').length === expected, 'the members');
  const members: Proc[] = descendants(helper).filter((p) => p.state !== 'Z');
  trackProcs([...members, helperProc]); // if the test fails half-way
  return { owner, helperProc, members };
}

describe('lifeline', () => {
  for (const subreaper of [true, false]) {
    it(`owner SIGKILLed: every member and the helper are gone within seconds (${subreaper ? 'subreaper' : 'plain'})`, async () => {
      const { owner, helperProc, members } = await startOwner(false, subreaper);
      const cmdline = parseHelperCmdline(readFileSync(`/proc/${helperProc.pid}/cmdline`, 'latin1'));
      expect(cmdline).toMatchObject({ owner: { pid: owner.pid }, name: 'lifeline', subreaper, keep: false });
      owner.kill('SIGKILL');
      await once(owner, 'exit');
      await until(() => members.every((m) => !alive(m)) && !alive(helperProc), 'the group and the helper to end', 10_000);
    });
  }

  it('with --keep the group survives the owner', async () => {
    const { owner, helperProc, members } = await startOwner(true, true);
    owner.kill('SIGKILL');
    await once(owner, 'exit');
    await sleep(500);
    expect(members.filter((m) => !alive(m))).toEqual([]);
    expect(alive(helperProc)).toBe(true);
    // cleanup() kills them by pid (members first, then the helper).
  });

  it('closeControl() from a live owner kills the group too', async () => {
    const h = track(await startHelper(options('/bin/sh', ['-c', '(setsid sleep 300 &); sleep 300 & echo ready; exec sleep 300'], { subreaper: true, stdio: ['ignore', 'pipe', 'inherit'] })));
    const out = collect(h.child.stdout);
    await until(() => out.text() === 'ready\n', 'the tree');
    await until(() => descendants(h.child.pid as number).filter((p) => p.state !== 'Z').length === 3, 'the members');
    const members = descendants(h.child.pid as number);
    h.closeControl();
    // No more status lines: leaderExit falls back to the helper's own exit.
    expect(await h.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await h.leaderExit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(members.filter(alive)).toEqual([]);
  });

  it('with keep, closeControl() leaves the group running and unref() lets this process go', async () => {
    const h = track(await startHelper(options('/bin/sh', ['-c', 'echo ready; exec sleep 300'], { keep: true, stdio: ['ignore', 'pipe', 'inherit'] })));
    const out = collect(h.child.stdout);
    await until(() => out.text() === 'ready\n', 'the leader');
    h.unref();
    h.closeControl();
    await sleep(300);
    expect(alive({ pid: h.leaderPid, start: procStat(h.leaderPid)?.start ?? -1 })).toBe(true);
    expect(h.child.exitCode).toBe(null);
  });
});
