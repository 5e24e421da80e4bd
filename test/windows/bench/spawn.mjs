// Run under a Windows node.exe: `node spawn.mjs HELPER.exe [N]`. Measures, N times each, the time
// from the call until a leader running `cmd /c exit 0` has exited, for (a) koffi's CreateProcessW
// suspended + assign + resume (@pg/winjob spawnInJob), (b) child_process.spawn of a helper .exe
// that does the same (spawn-helper.c), and (c) plain child_process.spawn with no job, as the floor.
// Prints one JSON line of medians in milliseconds.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Job, watchJob, spawnInJob, closeProcess, JobMessage } from '../../../packages/winjob/dist/index.js';

const [helper, n = '10'] = process.argv.slice(2);
const cmd = `${process.env.SystemRoot}\\System32\\cmd.exe`;
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const runs = { koffi: [], helper: [], plain: [] };
for (let i = 0; i < Number(n); i++) {
  {
    const job = Job.create({ killOnClose: true });
    let zero;
    const empty = new Promise((r) => (zero = r));
    const sub = watchJob(job, (e) => e.message === JobMessage.ActiveProcessZero && zero());
    const t0 = performance.now();
    const p = await spawnInJob(job, { file: cmd, args: ['/c', 'exit', '0'], stdio: ['ignore', 'ignore', 'ignore'] });
    await empty;
    runs.koffi.push(performance.now() - t0);
    sub.unsubscribe();
    closeProcess(p.handle);
    job.close();
  }
  {
    const name = `Local\\pg-bench-${process.pid}-${i}`;
    const job = Job.create({ name, killOnClose: true });
    const t0 = performance.now();
    const c = spawn(helper, [name, `"${cmd}" /c exit 0`], { stdio: 'ignore' });
    await once(c, 'exit');
    runs.helper.push(performance.now() - t0);
    job.close();
  }
  {
    const t0 = performance.now();
    const c = spawn(cmd, ['/c', 'exit', '0'], { stdio: 'ignore' });
    await once(c, 'exit');
    runs.plain.push(performance.now() - t0);
  }
}
console.log(JSON.stringify({ n: Number(n), koffiMs: Math.round(median(runs.koffi)), helperMs: Math.round(median(runs.helper)), plainSpawnMs: Math.round(median(runs.plain)) }));
