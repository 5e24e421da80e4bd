// @pg/winjob against the real (Wine) kernel32: a job with kill-on-close, a leader created
// suspended and assigned, its pipes, the pid list with a grandchild, accounting, the completion
// port's messages, TerminateJobObject. Prints one JSON line of what it saw.
import { Job, watchJob, spawnInJob, exitCodeOf, closeProcess, processSnapshot, commandLineOf, JobMessage } from '../../../packages/winjob/dist/index.js';
import { fileURLToPath } from 'node:url';

const token = process.argv[2];
const sleeper = fileURLToPath(new URL('./sleeper.mjs', import.meta.url));
const result = {};
const job = Job.create({ killOnClose: true, activeProcesses: 50, memory: 1 << 30 });
result.limits = job.limits();
const events = [];
let zero;
const empty = new Promise((resolve) => (zero = resolve));
const sub = watchJob(job, (e) => {
  events.push(e);
  if (e.message === JobMessage.ActiveProcessZero) zero();
});

// A leader that prints, reads its stdin, and starts a grandchild.
const code = `
  const c = require('child_process').spawn(process.execPath, [${JSON.stringify(sleeper)}, ${JSON.stringify(token)}], { stdio: 'ignore' });
  process.stdout.write('grandchild ' + c.pid + '\\n');
  process.stdin.once('data', (d) => process.stdout.write('echo ' + d));
`;
const leader = await spawnInJob(job, { file: process.execPath, args: ['-e', code, token], stdio: ['pipe', 'pipe', 'inherit'] });
result.leader = leader.pid;
let out = '';
leader.stdout.setEncoding('utf8');
leader.stdout.on('data', (d) => (out += d));
const until = async (cond) => { for (let i = 0; i < 600 && !cond(); i++) await new Promise((r) => setTimeout(r, 50)); };
await until(() => out.includes('grandchild '));
leader.stdin.write('hello\n');
await until(() => out.includes('echo hello'));
result.out = out;
const grandchild = Number(/grandchild (\d+)/.exec(out)[1]);
result.grandchild = grandchild;
result.pids = job.pids().sort((a, b) => a - b);
const table = processSnapshot();
result.grandchildParent = table.get(grandchild)?.ppid;
result.grandchildExe = table.get(grandchild)?.exe;
result.commandLine = commandLineOf(grandchild) ?? null;
result.accounting = job.accounting();
result.exitBefore = exitCodeOf(leader.handle) ?? null;
const t0 = performance.now();
job.terminate(137);
await empty;
result.terminateToEmptyMs = Math.round(performance.now() - t0);
result.exitAfter = exitCodeOf(leader.handle) ?? null;
result.pidsAfter = job.pids();
result.events = events.map((e) => [e.message, e.pid]);
sub.unsubscribe();
closeProcess(leader.handle);
job.close();
console.log(JSON.stringify(result));
