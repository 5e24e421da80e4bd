// `pg init` as PID 1 of a PID namespace, both ways it runs (pg-helper through the committed `pg`
// command, and the Node init): every catchable signal an init is sent reaches every member of
// the group, SIGTSTP/SIGTTIN/SIGTTOU never stop PID 1, and the leader's status is init's.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { stateOf } from '@pg/procfs';
import { fixture, killPid, PG, start, waitUntil } from '../fixtures/cli-harness.js';

const UNSHARE = '/usr/bin/unshare';
const PG_BIN = fileURLToPath(new URL('../../packages/cli/bin/pg', import.meta.url));
const skip = process.getuid?.() !== 0 || !existsSync(UNSHARE);
const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) killPid(pid);
});

const inits = [
  { init: 'pg-helper', pg: [PG_BIN] },
  { init: 'Node', pg: [process.execPath, PG] },
];

describe.skipIf(skip).each(inits)('pg init ($init) as PID 1', ({ pg }) => {
  it('forwards every catchable signal to the whole group, is never stopped, and exits with the leader', async () => {
    const run = start(UNSHARE, ['--pid', '--fork', '--mount-proc', ...pg, 'init', '--', fixture('trap-all.sh')]);
    started.push(run.pid as number);
    let out = '';
    run.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    // Both traps in place before the first signal (a default HUP would end the child).
    await waitUntil(() => /^ready \d+ \d+$/m.test(out) && /^child ready$/m.test(out), 'the leader and the child to set their traps');
    // unshare --fork: its only child is the namespace's PID 1, our init.
    const init = Number(readFileSync(`/proc/${run.pid}/task/${run.pid}/children`, 'utf8').trim().split(' ')[0]);
    for (const signal of ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'] as const) {
      process.kill(init, signal);
      const short = signal.slice(3);
      // sh starts background children with SIGINT and SIGQUIT ignored (POSIX), so the child can
      // only report the others; the leader reports all.
      const child = short !== 'INT' && short !== 'QUIT';
      await waitUntil(() => out.includes(`leader got ${short}\n`) && (!child || out.includes(`child got ${short}\n`)), `the group to get ${signal}`);
    }
    for (const signal of ['SIGTSTP', 'SIGTTIN', 'SIGTTOU'] as const) {
      process.kill(init, signal);
      process.kill(init, 'SIGCONT'); // members the helper stopped with it go on
    }
    await waitUntil(() => stateOf(init) !== undefined, 'init to be there');
    expect(stateOf(init)).not.toBe('T');
    process.kill(init, 'SIGTERM');
    const r = await run;
    expect(r.stdout).toMatch(/leader got TERM/);
    expect(r.exitCode).toBe(0);
  });
});
