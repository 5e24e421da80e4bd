// A signal pass scans the group, then signals what it found: between the two, a member can die and
// an unrelated process can take its pid. A backend that promises `neverSignalsRecycledPid` must
// leave that process alone (cgroup and reaper open a pidfd and check membership after opening,
// docs/linux.md). The race is opened on demand: right after the pass's own read of the member
// list, the member is killed and an unrelated process takes its pid (scan-race.ts), so the pass
// goes on with that pid in its list.
import { afterEach, expect, it } from 'vitest';
import { alive, forEachBackend, line, start } from './harness.js';
import { afterMemberListRead, signalTraces, UnrelatedProcesses } from './scan-race.js';

const root = process.geteuid?.() === 0;
/** Whole scenarios to try when another process of this machine takes the pid before ours does. */
const ATTEMPTS = 5;

/**
 * The leader ignores SIGCHLD (the kernel then reaps its children at once, even while the leader is
 * frozen or stopped by the hold before the passes), forks the member that will die, prints its
 * pid, and sleeps.
 */
const LEADER = '$SIG{CHLD} = "IGNORE"; $| = 1; my $pid = fork // die "fork: $!"; if ($pid == 0) { exec "/bin/sleep", "1000"; die "exec: $!" } print "$pid\\n"; exec "/bin/sleep", "1000"; die "exec: $!"';

let unrelated: UnrelatedProcesses | undefined;
afterEach(async () => {
  await unrelated?.dispose();
  unrelated = undefined;
});

forEachBackend(
  'a signal pass never reaches a pid recycled between its scan and its signal',
  (backend) => {
    it.skipIf(!root)('leaves alone an unrelated process that took a listed member’s pid (needs root: ns_last_pid)', async () => {
      unrelated = new UnrelatedProcesses();
      await unrelated.ready;
      const factory = unrelated;
      for (let attempt = 1; ; attempt++) {
        const group = await start(backend, '/usr/bin/perl', ['-e', LEADER]);
        const member = Number((await line(group, /^\d+$/))[0]);
        let taken: number | undefined;
        let setup: unknown;
        const race = afterMemberListRead(member, () => {
          try {
            taken = factory.takePidOf(member);
          } catch (error) {
            setup = error;
            throw error; // stops the pass before it signals: another process may own the pid now
          }
        });
        try {
          await group.signal('SIGTERM');
        } catch (error) {
          if (setup === undefined) throw error;
        } finally {
          race.restore();
        }
        if (setup !== undefined) {
          await group.kill();
          if (attempt < ATTEMPTS) continue;
          throw setup;
        }
        expect(race.fired(), `no member list naming pid ${member} was read by a signal pass: the race was never opened`).toBe(true);
        expect(taken).toBe(member);
        // The pass went on: the leader took SIGTERM, and the group is empty.
        await group.empty;
        // Every signal a pass sent is queued by now; blocked, it stays pending (SIGSTOP stops instead).
        expect(alive(member), `the unrelated process ${member} died`).toBe(true);
        expect(signalTraces(member)).toEqual({ pending: [], stopped: false });
        return;
      }
    });
  },
  ['neverSignalsRecycledPid'],
);
