// ProcessGroup's policy (stop's escalation, capability checks, refusals, dispose) against a
// scripted backend group: no processes, only the order of calls core makes.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BackendGroup, Capabilities, GroupStats, Guarantees, Member } from './backend.js';
import { RefusedGroupError, UnsupportedError } from './errors/index.js';
import { MAX_SIGNAL_PASSES } from './group-loops.js';
import { ProcessGroup } from './process-group.js';
import type { SignalRound } from './rounds.js';

const guarantees = { limits: [] } as unknown as Guarantees;

class ScriptedGroup implements BackendGroup {
  readonly id = 'scripted';
  readonly child = undefined;
  readonly calls: string[] = [];
  /** Signals after which the group empties. */
  emptiesOn = new Set<number>();
  /** A signal pass always finds someone new (a fork bomb). */
  forking = false;
  memberPids = [4242];
  #empty = false;
  #wake: (() => void) | undefined;

  async members(): Promise<Member[]> {
    return this.memberPids.map((pid) => ({ pid, ppid: 1, command: 'x' }));
  }
  async signalPass(round: SignalRound): Promise<number> {
    this.calls.push(`signal ${round.signal}`);
    if (this.forking) return 1;
    if (round.signalled.has('x')) return 0;
    round.signalled.add('x');
    if (this.emptiesOn.has(round.signal)) this.#setEmpty();
    return 1;
  }
  async killPass(): Promise<void> {
    this.calls.push('kill');
    this.#setEmpty();
  }
  watchEmpty(abort: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (this.#empty) return resolve();
      this.#wake = resolve;
      abort.addEventListener('abort', () => resolve(), { once: true });
    });
  }
  async isEmpty(): Promise<boolean> {
    return this.#empty;
  }
  async stats(): Promise<GroupStats> {
    return {};
  }
  async close(): Promise<void> {
    this.calls.push('close');
  }
  #setEmpty(): void {
    this.#empty = true;
    this.#wake?.();
  }
}

function over(group: BackendGroup, can: Capabilities = { ipc: true, limits: [] }): ProcessGroup {
  return new ProcessGroup({ name: 'posix', guarantees: () => guarantees, capabilities: () => can }, group);
}

describe('ProcessGroup policy', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stop(): SIGTERM, then SIGCONT, then waits; a group that empties in time is never killed', async () => {
    const inner = new ScriptedGroup();
    inner.emptiesOn.add(15);
    const group = over(inner);
    await group.stop({ timeout: 1000 });
    expect(inner.calls.filter((c) => c !== 'close')).toEqual(['signal 15', 'signal 15', 'signal 18', 'signal 18']);
    expect(inner.calls).toContain('close');
  });

  it('stop(): SIGKILL once the timeout has passed', async () => {
    const inner = new ScriptedGroup();
    const group = over(inner);
    const stopping = group.stop({ timeout: 1000 });
    await vi.advanceTimersByTimeAsync(999);
    expect(inner.calls).not.toContain('kill');
    await vi.advanceTimersByTimeAsync(2);
    await stopping;
    expect(inner.calls).toContain('kill');
    expect(group.closed).toBe(true);
  });

  it('stop(): a group that forks through every signal pass is killed at once, not after the timeout', async () => {
    const inner = new ScriptedGroup();
    inner.forking = true;
    const group = over(inner);
    await group.stop({ timeout: 60_000 });
    expect(inner.calls.filter((c) => c === 'signal 15')).toHaveLength(MAX_SIGNAL_PASSES);
    expect(inner.calls.at(-2)).toBe('kill');
  });

  it('signal(): a signal the backend cannot deliver is an UnsupportedError before any pass', async () => {
    const inner = new ScriptedGroup();
    const group = over(inner, { ipc: false, limits: [], signals: new Set([9, 15]) });
    await expect(group.signal('SIGHUP')).rejects.toSatisfy((e) => UnsupportedError.isInstance(e) && /cannot deliver SIGHUP/.test((e as Error).message));
    await expect(group.stop({ signal: 'SIGINT' })).rejects.toSatisfy((e) => UnsupportedError.isInstance(e));
    expect(inner.calls).toEqual([]);
    await group.signal('SIGTERM');
    expect(inner.calls).toEqual(['signal 15', 'signal 15']);
    await group.kill();
  });

  it('refuses a group that holds PID 1 or this process, and stops watching it', async () => {
    for (const pid of [1, process.pid]) {
      const inner = new ScriptedGroup();
      inner.memberPids = [pid];
      await expect(over(inner).refuseProtected()).rejects.toSatisfy((e) => RefusedGroupError.isInstance(e));
    }
  });

  it('dispose kills once, however often it is called', async () => {
    const inner = new ScriptedGroup();
    const group = over(inner);
    await Promise.all([group[Symbol.asyncDispose](), group[Symbol.asyncDispose]()]);
    expect(inner.calls.filter((c) => c === 'kill')).toHaveLength(1);
    expect(inner.calls.filter((c) => c === 'close')).toHaveLength(1);
  });
  it("stop(): a backend's own first signal (stopSignal) is sent first; when it cannot be delivered, the group is killed at once", async () => {
    const can: Capabilities = { ipc: false, limits: [], signals: new Set([9, 15, 21]), stopSignal: 21 };
    const graceful = new ScriptedGroup();
    graceful.emptiesOn.add(21);
    await over(graceful, can).stop({ timeout: 1000 });
    expect(graceful.calls.filter((c) => c !== 'close')).toEqual(['signal 21', 'signal 21']);

    const noConsole = new ScriptedGroup();
    noConsole.signalPass = async (round) => {
      noConsole.calls.push(`signal ${round.signal}`);
      throw new UnsupportedError('no console shared with the leader');
    };
    await over(noConsole, can).stop({ timeout: 1000 });
    expect(noConsole.calls.filter((c) => c !== 'close')).toEqual(['signal 21', 'kill']);

    // A signal the caller named is not replaced: its failure is the caller's answer.
    const named = new ScriptedGroup();
    named.signalPass = noConsole.signalPass;
    await expect(over(named, can).stop({ signal: 21, timeout: 1000 })).rejects.toThrow(UnsupportedError);
  });
});
