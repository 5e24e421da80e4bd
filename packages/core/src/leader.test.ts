// The leader's 'exit' event reaches a listener attached once spawnGroup has handed the group over,
// even when the command exited while spawnGroup was still at work (as a quick `exit 3` can).
import { describe, expect, it } from 'vitest';
import { Leader } from './leader.js';

describe('Leader', () => {
  it("emits 'exit' after the turn that handed it over, for a command that had already exited", async () => {
    const leader = new Leader(undefined, { pid: 4242, exited: Promise.resolve({ code: 3, signal: null }), stdio: [], kill: () => undefined, unref: () => undefined });
    // spawnGroup's await chain back to its caller: a few microtasks, no turn of the event loop.
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(leader.exitCode).toBe(3);
    const seen = await new Promise<unknown[]>((resolve) => leader.once('exit', (...args) => resolve(args)));
    expect(seen).toEqual([3, null]);
  });
});
