// `pg run --detach --backend cgroup` of a tree with a `setsid` escaper: `pg ps --json` lists the
// escaper too, and `pg kill` leaves nothing alive. Needs the cgroup backend: when it is not
// available this test FAILS with the probe's reason (it must not pass without having run).
import { afterEach, describe, expect, it } from 'vitest';
import { cgroupAvailable, isAlive, killGroup, pg } from '../fixtures/cli-harness.js';
import { readStat } from '@pg/procfs';

const groups: string[] = [];
afterEach(async () => {
  for (const id of groups.splice(0)) await killGroup(id);
});

type Row = { pid: number; ppid: number; command: string };

describe('pg run --detach (cgroup) with an escaper', () => {
  it('ps --json lists the escaper and kill leaves nothing', async () => {
    const cgroup = await cgroupAvailable();
    expect(cgroup.available, `the cgroup backend is not available here yet: ${cgroup.reason}`).toBe(true);

    // `( setsid sleep & )`: the sleep leaves the session and its parent exits, as daemons do.
    const r = await pg(['run', '--detach', '--backend', 'cgroup', '--', 'sh', '-c', '(setsid sleep 1002 &); sleep 1000 & wait']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const id = r.stdout.trim();
    groups.push(id);

    let rows: Row[] = [];
    for (;;) {
      const ps = await pg(['ps', '--json', id]);
      expect(ps.exitCode).toBe(0);
      rows = JSON.parse(ps.stdout) as Row[];
      if (rows.some((m) => m.command === 'sleep 1002') && rows.some((m) => m.command === 'sleep 1000')) break;
    }
    const escaper = rows.find((m) => m.command === 'sleep 1002') as Row;
    // It escaped the session: its session id is its own pid (field 6 of /proc/PID/stat).
    expect(readStat(escaper.pid)?.sid).toBe(escaper.pid);

    const killed = await pg(['kill', id]);
    expect(killed.stderr).toBe('');
    expect(killed.exitCode).toBe(0);
    for (const m of rows) expect(isAlive(m.pid), `pid ${m.pid} (${m.command})`).toBe(false);
    expect((await pg(['ps', id])).exitCode).toBe(2);
  });
});
