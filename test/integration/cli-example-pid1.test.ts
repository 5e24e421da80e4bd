// examples/pid1: `pg init -- node app.mjs`, as PID 1 of a PID namespace and as an ordinary
// process. SIGTERM to init reaches the app, which exits 0 leaving a worker and an orphan; init
// stops them and exits 0.
import { existsSync } from 'node:fs';
import { childrenOf, readStat } from '@pg/procfs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive, killPid, PG, start, waitForOutput } from '../fixtures/cli-harness.js';

const APP = fileURLToPath(new URL('../../examples/pid1/app.mjs', import.meta.url));
const UNSHARE = '/usr/bin/unshare';
const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) killPid(pid);
});

describe('examples/pid1', () => {
  it('as an ordinary process: SIGTERM ends the app, init stops the worker and the orphan', async () => {
    const run = start(process.execPath, [PG, 'init', '--', process.execPath, APP]);
    started.push(run.pid as number);
    const [, app, worker, orphan] = (await waitForOutput(run, /app ready: pid (\d+), worker (\d+), orphan (\d+)/)).map(Number);
    started.push(app as number, worker as number, orphan as number);
    // The orphan's parent is init: pg init made itself a child subreaper.
    expect(readStat(orphan as number)?.ppid).toBe(run.pid);
    run.kill('SIGTERM');
    const r = await run;
    expect(r.stdout).toMatch(/app: SIGTERM, exiting/);
    expect(r.exitCode).toBe(0);
    for (const pid of [app, worker, orphan]) expect(isAlive(pid as number), `pid ${pid}`).toBe(false);
  });

  it.skipIf(process.getuid?.() !== 0 || !existsSync(UNSHARE))('as PID 1 of a PID namespace (root, unshare)', async () => {
    const run = start(UNSHARE, ['--pid', '--fork', '--mount-proc', process.execPath, PG, 'init', '--', process.execPath, APP]);
    started.push(run.pid as number);
    const [, app, , orphan] = (await waitForOutput(run, /app ready: pid (\d+), worker (\d+), orphan (\d+)/)).map(Number);
    // Inside the namespace the app's parent is PID 1 (pg init), and the orphan reparented to it.
    expect(app).toBeGreaterThan(1);
    expect(orphan).toBeGreaterThan(1);
    const init = childrenOf(run.pid as number)[0] as number;
    started.push(init);
    process.kill(init, 'SIGTERM');
    const r = await run;
    expect(r.stdout).toMatch(/app: SIGTERM, exiting/);
    expect(r.exitCode).toBe(0);
  });
});
