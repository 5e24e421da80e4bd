// `pg init` as an ordinary process (a child subreaper) and as PID 1 of a PID namespace
// (`unshare --pid --fork --mount-proc`, root), both ways it runs: pg-helper (what the committed
// `pg` command execs when the helper is built) and the Node init (its fallback): orphans leave no
// zombie, SIGINT reaches a grandchild, and the leader's status is the exit status.
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { fixture, isAlive, killPid, PG, start, waitForOutput } from '../fixtures/cli-harness.js';

/** The `pg` command as npm links it: a shell script that runs `pg init` as pg-helper. */
const PG_BIN = fileURLToPath(new URL('../../packages/cli/bin/pg', import.meta.url));
const inits = [
  { init: 'pg-helper', pg: [PG_BIN] },
  { init: 'Node', pg: [process.execPath, PG] },
];

const UNSHARE = '/usr/bin/unshare';
const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) killPid(pid);
});

/** How each mode starts `pg init -- CMD…`, and how to find the pid that plays init. */
const modes = inits.flatMap(({ init, pg }) => [
  {
    name: `${init}, as an ordinary process`,
    skip: undefined,
    argv: (cmd: string[]) => [pg[0]!, [...pg.slice(1), 'init', '--', ...cmd]] as const,
    initPid: (outer: number) => outer,
  },
  {
    name: `${init}, as PID 1 of a PID namespace`,
    skip:
      process.getuid?.() !== 0 ? 'needs root for unshare --pid --mount-proc' : !existsSync(UNSHARE) ? `${UNSHARE} is missing (util-linux)` : undefined,
    argv: (cmd: string[]) => [UNSHARE, ['--pid', '--fork', '--mount-proc', ...pg, 'init', '--', ...cmd]] as const,
    // unshare --fork: its only child is the namespace's PID 1, our init.
    initPid: (outer: number) => Number(readFileSync(`/proc/${outer}/task/${outer}/children`, 'utf8').trim().split(' ')[0]),
  },
]);

describe.each(modes)('pg init ($name)', (mode) => {
  it.skipIf(mode.skip !== undefined)('reaps an orphan that reparents to it and passes the exit code through', async () => {
    const [file, args] = mode.argv([process.execPath, fixture('cli-orphans.mjs'), '9']);
    const run = start(file, args);
    started.push(run.pid as number);
    const r = await run;
    // cli-orphans exits 4 if the orphan did not reparent to init, 3 if it stayed a zombie.
    expect(r.stdout).toMatch(/orphan \d+ reaped/);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(9);
  });

  it.skipIf(mode.skip !== undefined)('never reaps its own leader: orphans dying with the leader do not hide its exit', async () => {
    // 20 orphans (bounded) that exit as the leader does: SIGCHLDs coalesce, and a reaper that took
    // the leader's zombie would leave pg init waiting for an exit event that never comes.
    const script = 'i=0; while [ $i -lt 20 ]; do (true &); i=$((i+1)); done; exit 6';
    for (let round = 0; round < 5; round++) {
      const [file, args] = mode.argv(['sh', '-c', script]);
      const run = start(file, args);
      started.push(run.pid as number);
      const r = await run;
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(6);
    }
  });

  it.skipIf(mode.skip !== undefined)('forwards SIGINT (Ctrl-C) to a grandchild', async () => {
    const [file, args] = mode.argv([process.execPath, fixture('cli-signal-tree.mjs'), '5']);
    const run = start(file, args);
    started.push(run.pid as number);
    await waitForOutput(run, /ready (\d+) (\d+)/);
    const init = mode.initPid(run.pid as number);
    expect(init).toBeGreaterThan(0);
    // A terminal's Ctrl-C reaches the foreground process group; its member that matters is init
    // (as PID 1 it gets the signal only because it has a handler).
    process.kill(init, 'SIGINT');
    const r = await run;
    expect(r.stdout).toMatch(/^child got SIGINT$/m);
    expect(r.stdout).toMatch(/^leader got SIGINT$/m);
    expect(r.exitCode).toBe(5);
  });

  it.skipIf(mode.skip !== undefined)('exits with 128+N when signal N kills the leader, and stops the rest', async () => {
    const [file, args] = mode.argv([process.execPath, fixture('cli-signal-tree.mjs'), 'die']);
    const run = start(file, args);
    started.push(run.pid as number);
    const [, leader, child] = (await waitForOutput(run, /ready (\d+) (\d+)/)).map(Number);
    process.kill(mode.initPid(run.pid as number), 'SIGTERM');
    const r = await run;
    expect(r.stdout).toMatch(/^child got SIGTERM$/m);
    expect(r.exitCode).toBe(128 + 15);
    // pg init returns only once the group is empty (pids printed inside a namespace are not ours).
    if (mode.name.endsWith('as an ordinary process')) for (const pid of [leader, child]) expect(isAlive(pid as number)).toBe(false);
  });
});

describe('pg init without pg-helper', () => {
  it('falls back to the Node init, says why on stderr, and still passes the exit code through', async () => {
    const r = await execa(PG_BIN, ['init', '--', 'sh', '-c', 'exit 3'], { reject: false, env: { ...process.env, PG_HELPER: '/nonexistent/pg-helper' } });
    expect(r.stderr).toMatch(/running the Node init .*PG_HELPER/);
    expect(r.exitCode).toBe(3);
  });
});
