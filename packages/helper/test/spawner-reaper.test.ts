// A per-group pg-helper (subreaper) started by the spawner: the reaper backend's path. Node does
// not fork; the helper is the spawner's child, its lifeline is this process's control socket.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { HelperError, closeSpawner, spawnerFor, startHelperInSpawner, type SpawnedHelper } from '../src/index.js';
import { alive, collect, descendants, helperPath, options, procStat, until, type Proc } from './helpers.js';

const started: SpawnedHelper[] = [];
afterEach(async () => {
  for (const h of started.splice(0)) {
    // Closing the control is the owner's death: the helper kills its group and exits.
    h.closeControl();
    await h.ended;
    h.release();
    for (const s of h.stdio) s?.destroy();
  }
});
afterAll(closeSpawner);

async function start(file: string, args: string[], more: Parameters<typeof options>[2] = {}): Promise<SpawnedHelper> {
  const h = await startHelperInSpawner(options(file, args, { subreaper: true, helperPath: helperPath(), ...more }));
  started.push(h);
  return h;
}

describe('per-group helper through the spawner', () => {
  it('the helper is the spawner\'s child and adopts a setsid daemon; its end is the group\'s end', async () => {
    const h = await start('/bin/sh', ['-c', '(setsid sleep 300 </dev/null >/dev/null 2>&1 &); echo ready; exit 5'], { stdio: ['ignore', 'pipe', 'inherit'] });
    expect(procStat(h.pid)?.ppid).toBe(spawnerFor(helperPath()).pid);
    expect(procStat(h.leaderPid)?.ppid === h.pid || procStat(h.leaderPid) === undefined).toBe(true);
    const out = collect(h.stdio[1] as NodeJS.ReadableStream as never);
    expect(await h.leaderExit).toEqual({ code: 5, signal: null });
    await until(() => out.text() === 'ready\n', 'the leader\'s output');
    await until(() => descendants(h.pid).some((p) => p.state !== 'Z' && p.ppid === h.pid), 'the daemon to reparent to the helper');
    const daemon: Proc = descendants(h.pid).filter((p) => p.state !== 'Z')[0] as Proc;
    h.closeControl(); // the owner's death
    await h.ended;
    await until(() => !alive(daemon), 'the daemon to be killed');
  });

  it('exec failure is a HelperError, the helper is gone', async () => {
    const error = await startHelperInSpawner(options('/nonexistent', [], { subreaper: true, helperPath: helperPath() })).catch((e: unknown) => e);
    expect(HelperError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ENOENT' });
  });
});
