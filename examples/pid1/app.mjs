#!/usr/bin/env node
// A stand-in for a container's main process, written the way real ones often are: it starts a
// worker, and a helper that backgrounds a process and exits (the background process becomes an
// orphan, reparented to PID 1). On SIGTERM it exits 0 without cleaning up after either: pg init
// stops the rest of its group and reaps the orphan.
import { spawn } from 'node:child_process';

const worker = spawn('sleep', ['1000'], { stdio: 'ignore' });
// `sleep &` in a shell that exits at once: the sleep's parent is gone, so it is an orphan.
const helper = spawn('sh', ['-c', 'sleep 1001 >/dev/null 2>&1 & echo $!'], { stdio: ['ignore', 'pipe', 'inherit'] });
let orphan = '';
helper.stdout.on('data', (d) => (orphan += d));
helper.on('exit', () => {
  process.stdout.write(`app ready: pid ${process.pid}, worker ${worker.pid}, orphan ${orphan.trim()}\n`);
});
process.on('SIGTERM', () => {
  process.stdout.write('app: SIGTERM, exiting\n');
  process.exit(0);
});
setInterval(() => undefined, 1 << 30);
