// Builds a tree from a plan and reports it as lines on stdout: `node tree.mjs PLAN TOKEN`.
//   detached-orphan: starts a detached grandchild (a sleeper) through a child that then exits
//   start-b:         `cmd /c start /b node sleeper.mjs TOKEN` (cmd exits, its child stays)
//   spawning:        keeps starting a sleeper every 200 ms, at most 40
//   leader-exits:    starts a sleeper, then exits itself
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const [plan, token] = process.argv.slice(2);
const sleeper = fileURLToPath(new URL('./sleeper.mjs', import.meta.url));
const node = process.execPath;
const say = (line) => process.stdout.write(`${line}\n`);

if (plan === 'detached-orphan') {
  const middle = spawn(node, ['-e', `
    const c = require('child_process').spawn(process.execPath, [${JSON.stringify(sleeper)}, ${JSON.stringify(token)}], { detached: true, stdio: 'ignore' });
    c.unref();
    process.stdout.write(c.pid + '\\n');
  `], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  middle.stdout.on('data', (d) => (text += d));
  middle.on('exit', () => {
    say(`grandchild ${text.trim()}`);
    say(`middle-exited ${middle.pid}`);
    setInterval(() => {}, 1000);
  });
} else if (plan === 'start-b') {
  const cmd = spawn(process.env.ComSpec ?? 'cmd.exe', ['/c', 'start', '/b', node, sleeper, token], { stdio: 'ignore' });
  cmd.on('exit', () => {
    say(`cmd-exited ${cmd.pid}`);
    setInterval(() => {}, 1000);
  });
} else if (plan === 'spawning') {
  let n = 0;
  const timer = setInterval(() => {
    if (++n > 40) return clearInterval(timer);
    const c = spawn(node, [sleeper, token], { stdio: 'ignore' });
    say(`spawned ${c.pid}`);
  }, 200);
  say('started');
} else if (plan === 'leader-exits') {
  const c = spawn(node, [sleeper, token], { stdio: 'ignore', detached: true });
  c.unref();
  say(`member ${c.pid}`);
} else {
  process.stderr.write(`unknown plan ${plan}\n`);
  process.exit(2);
}
