// The policy itself, against a scripted backend group (no processes: these test core's loops,
// bounds and errors, which every backend shares), with fake timers for the bounds.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BackendGroup, GroupStats, Member } from './backend.js';
import { GroupGoneError, UnstoppableGroupError } from './errors/index.js';
import { HOLD_BOUND_MS, KILL_BOUND_MS, MAX_SIGNAL_PASSES, holdForks, killUntilEmpty, pollUntilEmpty, signalUntilNoneNew } from './group-loops.js';
import type { Hold, SignalRound } from './rounds.js';

/** A backend group whose passes answer from a script; every call is recorded. */
class ScriptedGroup implements BackendGroup {
  readonly id = 'scripted';
  readonly child = undefined;
  readonly calls: string[] = [];
  /** What each signal pass returns, in order; afterwards 0. */
  sends: Array<number | Error> = [];
  /** What each hold pass returns, in order; afterwards the last one. */
  holds: boolean[] = [];
  empty = false;
  holdBeforeKill?: boolean;
  rounds = new Set<SignalRound>();
  heldWith: Hold[] = [];

  async members(): Promise<Member[]> {
    return [];
  }
  async signalPass(round: SignalRound): Promise<number> {
    this.calls.push(`signal ${round.signal}`);
    this.rounds.add(round);
    const next = this.sends.shift() ?? 0;
    if (next instanceof Error) throw next;
    return next;
  }
  async killPass(): Promise<void> {
    this.calls.push('kill');
  }
  async isEmpty(): Promise<boolean> {
    this.calls.push('isEmpty');
    return this.empty;
  }
  async stats(): Promise<GroupStats> {
    return {};
  }
  async close(): Promise<void> {}
}

/** The same, able to hold forks. */
class HoldingGroup extends ScriptedGroup {
  async holdPass(hold: Hold): Promise<boolean> {
    this.calls.push(`hold ${hold.signal}`);
    this.heldWith.push(hold);
    const held = this.holds.length > 1 ? (this.holds.shift() as boolean) : (this.holds[0] ?? true);
    return held;
  }
  releaseHold(hold: Hold): void {
    this.calls.push(`release ${hold.signal}`);
  }
}

describe('signalUntilNoneNew', () => {
  it('repeats passes with one round until a pass finds no new member', async () => {
    const group = new ScriptedGroup();
    group.sends = [3, 1, 0, 5];
    await signalUntilNoneNew(group, 15);
    expect(group.calls).toEqual(['signal 15', 'signal 15', 'signal 15']);
    expect(group.rounds.size).toBe(1);
  });

  it(`gives up with UnstoppableGroupError after ${MAX_SIGNAL_PASSES} passes that each find someone new`, async () => {
    const group = new ScriptedGroup();
    group.sends = Array.from({ length: MAX_SIGNAL_PASSES + 5 }, () => 1);
    const error = await signalUntilNoneNew(group, 15).catch((e: unknown) => e);
    expect(UnstoppableGroupError.isInstance(error)).toBe(true);
    expect(group.calls).toHaveLength(MAX_SIGNAL_PASSES);
  });

  it('a group gone after a pass went through is done; gone before the first pass is an error', async () => {
    const after = new ScriptedGroup();
    after.sends = [2, new GroupGoneError('scripted')];
    await expect(signalUntilNoneNew(after, 1)).resolves.toBeUndefined();
    const before = new ScriptedGroup();
    before.sends = [new GroupGoneError('scripted')];
    await expect(signalUntilNoneNew(before, 1)).rejects.toSatisfy((e) => GroupGoneError.isInstance(e));
  });

  it('holds forks around the passes and releases the same hold, also when a pass throws', async () => {
    const group = new HoldingGroup();
    group.sends = [1, 0];
    await signalUntilNoneNew(group, 1);
    expect(group.calls).toEqual(['hold 1', 'signal 1', 'signal 1', 'release 1']);
    const failing = new HoldingGroup();
    failing.sends = [new Error('EIO')];
    await expect(signalUntilNoneNew(failing, 1)).rejects.toThrow('EIO');
    expect(failing.calls.at(-1)).toBe('release 1');
  });

  it('does not hold for a stop signal (a held tree is what it makes)', async () => {
    const group = new HoldingGroup();
    await signalUntilNoneNew(group, 19); // SIGSTOP on Linux
    await signalUntilNoneNew(group, 20); // SIGTSTP
    expect(group.calls.filter((c) => c.startsWith('hold'))).toEqual([]);
  });
});

describe('with fake timers', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it(`holdForks repeats hold passes with back-off and gives up after ${HOLD_BOUND_MS} ms, returning the release`, async () => {
    const group = new HoldingGroup();
    group.holds = [false];
    const holding = holdForks(group, 15);
    await vi.advanceTimersByTimeAsync(HOLD_BOUND_MS + 50);
    const release = await holding;
    const passes = group.calls.filter((c) => c === 'hold 15').length;
    // 1, 2, 4, 8, 8, … ms apart: about HOLD_BOUND_MS / 8 passes, never a busy loop.
    expect(passes).toBeGreaterThan(50);
    expect(passes).toBeLessThan(HOLD_BOUND_MS / 8 + 10);
    expect(new Set(group.heldWith).size).toBe(1); // one Hold for the whole operation
    release?.();
    expect(group.calls.at(-1)).toBe('release 15');
  });

  it('holdForks stops at the first pass that holds everything', async () => {
    const group = new HoldingGroup();
    group.holds = [false, false, true];
    const holding = holdForks(group, 15);
    await vi.advanceTimersByTimeAsync(20);
    await holding;
    expect(group.calls).toEqual(['hold 15', 'hold 15', 'hold 15']);
  });

  it(`killUntilEmpty repeats kill passes until empty settles, pauses doubling to 100 ms`, async () => {
    const group = new ScriptedGroup();
    let settle!: () => void;
    const emptied = new Promise<void>((resolve) => (settle = resolve));
    const kicks: number[] = [];
    const killing = killUntilEmpty(group, emptied, () => kicks.push(Date.now()));
    await vi.advanceTimersByTimeAsync(1 + 2 + 4 + 8 + 16 + 32 + 64 + 100 + 100);
    settle();
    await killing;
    const kills = group.calls.filter((c) => c === 'kill').length;
    expect(kills).toBeGreaterThanOrEqual(9);
    expect(kills).toBeLessThanOrEqual(11);
    expect(kicks).toHaveLength(kills); // emptiness re-checked after every pass
  });

  it(`killUntilEmpty throws UnstoppableGroupError ${KILL_BOUND_MS / 1000} s after the first SIGKILL`, async () => {
    const group = new ScriptedGroup();
    const killing = killUntilEmpty(group, new Promise<void>(() => undefined), () => undefined).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(KILL_BOUND_MS + 200);
    const error = await killing;
    expect(UnstoppableGroupError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/30 s after the first SIGKILL/);
    // About 30 s / 100 ms passes, not thousands.
    expect(group.calls.length).toBeLessThan(KILL_BOUND_MS / 100 + 20);
  });

  it('killUntilEmpty holds before each kill pass where the backend asks for it', async () => {
    const group = new HoldingGroup();
    group.holdBeforeKill = true;
    let settle!: () => void;
    const emptied = new Promise<void>((resolve) => (settle = resolve));
    const killing = killUntilEmpty(group, emptied, () => undefined);
    await vi.advanceTimersByTimeAsync(4);
    settle();
    await killing;
    expect(group.calls.slice(0, 4)).toEqual(['hold 9', 'kill', 'hold 9', 'kill']);
    expect(group.calls).not.toContain('release 9'); // the kill ends what the hold stopped
  });

  it('pollUntilEmpty backs off from 2 ms to 50 ms and wakes at once when woken', async () => {
    const group = new ScriptedGroup();
    const abort = new AbortController();
    let wake: (() => void) | undefined;
    const polling = pollUntilEmpty(group, abort.signal, (w) => (wake = w));
    await vi.advanceTimersByTimeAsync(2 + 4 + 8 + 16 + 32 + 50 + 50);
    const before = group.calls.length;
    expect(before).toBeGreaterThanOrEqual(7);
    expect(before).toBeLessThanOrEqual(9);
    group.empty = true;
    wake?.();
    await vi.advanceTimersByTimeAsync(0);
    await polling;
    expect(group.calls.length).toBe(before + 1); // answered by the wake, not the next 50 ms tick
  });
});
