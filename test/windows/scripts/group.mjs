// @pg/core's job backend under a Windows node.exe: `node group.mjs SCENARIO TOKEN`. Each scenario
// drives a group through one behaviour and prints one JSON line of what it observed; the Linux
// side (test/windows/*.test.ts) asserts on it and on /proc. Everything started carries TOKEN in
// its command line.
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnGroup, openGroup, listGroups } from '../../../packages/core/dist/index.js';

const [scenario, token] = process.argv.slice(2);
const node = process.execPath;
const here = (name) => fileURLToPath(new URL(`./${name}`, import.meta.url));
const result = { scenario };

/** The leader's stdout as lines, waited for one at a time. */
function lines(stream) {
  const seen = [];
  let partial = '';
  let wake;
  stream.setEncoding('utf8');
  stream.on('data', (d) => {
    const parts = (partial + d).split('\n');
    partial = parts.pop();
    seen.push(...parts);
    wake?.();
  });
  return async (match, limitMs = 60_000) => {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const found = seen.find((l) => match.test(l));
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`no line matching ${match} in ${limitMs} ms; saw ${JSON.stringify(seen)}`);
      await new Promise((r) => { wake = r; setTimeout(r, 200); });
    }
  };
}
const pids = (members) => members.map((m) => m.pid).sort((a, b) => a - b);
const errorOf = async (f) => { try { await f(); return null; } catch (e) { return { name: e.name, code: e.code, message: e.message }; } };

async function tree(plan) {
  const group = await spawnGroup(node, [here('tree.mjs'), plan, token], { stdio: ['ignore', 'pipe', 'inherit'] });
  return { group, line: lines(group.leader.stdout) };
}

switch (scenario) {
  case 'pipes': {
    const code = `process.stdout.write('ready\\n'); process.stdin.once('data', (d) => { process.stdout.write('got ' + d); process.exitCode = 3; process.stdin.destroy(); });`;
    const group = await spawnGroup(node, ['-e', code, token]);
    result.backend = group.backend;
    result.id = group.id;
    const line = lines(group.leader.stdout);
    await line(/^ready$/);
    result.members = pids(await group.members());
    result.leader = group.leader.pid;
    result.commands = (await group.members()).map((m) => m.command);
    group.leader.stdin.write('hello\n');
    result.echo = await line(/^got /);
    result.exit = await group.leader.exited;
    await group.empty;
    result.membersAfter = await group.members();
    result.exitCode = group.leader.exitCode;
    break;
  }
  case 'cmd-shim': {
    // An npm-style shim: node_modules\.bin\echo-args.cmd runs node on a script that prints its argv.
    const dir = mkdtempSync(join(tmpdir(), 'pg-shim-'));
    const bin = join(dir, 'node_modules', '.bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(dir, 'echo.js'), 'process.stdout.write(JSON.stringify(process.argv.slice(2)) + "\\n");');
    writeFileSync(join(bin, 'echo-args.cmd'), `@"${node}" "%~dp0\\..\\..\\echo.js" %*\r\n`);
    writeFileSync(join(dir, 'plain.bat'), `@"${node}" "%~dp0\\echo.js" %*\r\n`);
    // Not `%VAR%`: Wine's cmd.exe expands it where Windows' leaves an escaped one alone (docs/windows.md).
    const args = ['plain', 'two words', 'x&y', 'a|b', '<in>', 'c^d', '"quoted"', 'back\\slash\\', '(p)', 'semi;colon', 'bang!', token];
    const env = { ...process.env, PATH: `${bin};${process.env.PATH}` };
    for (const [key, file] of [['shim', 'echo-args'], ['bat', join(dir, 'plain.bat')]]) {
      const group = await spawnGroup(file, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
      const line = lines(group.leader.stdout);
      result[key] = JSON.parse(await line(/^\[/));
      result[`${key}Exit`] = await group.leader.exited;
      await group.empty;
    }
    result.args = args;
    rmSync(dir, { recursive: true, force: true });
    break;
  }
  case 'detached-orphan':
  case 'start-b': {
    const { group, line } = await tree(scenario);
    if (scenario === 'detached-orphan') {
      result.grandchild = Number((await line(/^grandchild /)).split(' ')[1]);
      result.middle = Number((await line(/^middle-exited /)).split(' ')[1]);
    } else {
      result.cmd = Number((await line(/^cmd-exited /)).split(' ')[1]);
    }
    // The orphan is a member although its parent has exited: wait until the job lists it.
    let members = [];
    for (let i = 0; i < 100; i++) {
      members = await group.members();
      if (members.length >= 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    result.leader = group.leader.pid;
    result.members = members.map((m) => ({ pid: m.pid, ppid: m.ppid, command: m.command }));
    await group.kill();
    result.membersAfter = await group.members();
    result.exit = await group.leader.exited;
    break;
  }
  case 'spawning': {
    const { group, line } = await tree('spawning');
    await line(/^spawned /);
    await line(/^spawned /);
    result.membersBefore = (await group.members()).length;
    await group.kill();
    result.membersAfter = await group.members();
    result.exit = await group.leader.exited;
    break;
  }
  case 'leader-exits': {
    const { group, line } = await tree('leader-exits');
    result.member = Number((await line(/^member /)).split(' ')[1]);
    result.exit = await group.leader.exited;
    result.membersAfterLeader = pids(await group.members());
    result.emptyYet = await Promise.race([group.empty.then(() => true), new Promise((r) => setTimeout(() => r(false), 500))]);
    await group.kill();
    result.membersAfter = await group.members();
    break;
  }
  case 'errors': {
    result.missing = await errorOf(() => spawnGroup('no-such-command-pg', [], { backend: 'job' }));
    result.ipc = await errorOf(() => spawnGroup(node, ['-e', ''], { stdio: ['pipe', 'pipe', 'pipe', 'ipc'] }));
    const group = await spawnGroup(node, [here('sleeper.mjs'), token], { stdio: 'ignore', limits: { pids: 10, memory: 1 << 30 } });
    result.hup = await errorOf(() => group.signal('SIGHUP'));
    result.usr1 = await errorOf(() => group.signal('SIGUSR1'));
    result.stats = await group.stats();
    result.listed = (await listGroups()).map((g) => g.id).includes(group.id);
    const again = await openGroup(group.id);
    result.openedMembers = pids(await again.members());
    result.leader = group.leader.pid;
    // SIGBREAK needs a console this process shares with the leader: under Wine it cannot be sent.
    result.brk = await errorOf(() => group.signal('SIGBREAK'));
    // stop(): the console event first; where it cannot be delivered, terminate at once.
    const t0 = Date.now();
    await group.stop({ timeout: 30_000 });
    result.stopMs = Date.now() - t0;
    result.exit = await group.leader.exited;
    result.membersAfter = await group.members();
    result.listedAfter = (await listGroups()).map((g) => g.id).includes(group.id);
    break;
  }
  case 'sigterm': {
    const { group, line } = await tree('detached-orphan');
    await line(/^middle-exited /);
    await group.signal('SIGTERM');
    await group.empty;
    result.exit = await group.leader.exited;
    result.membersAfter = await group.members();
    break;
  }
  case 'lifecycle': {
    // AbortSignal: abort = stop; the group empties and closes.
    const ac = new AbortController();
    const aborted = await spawnGroup(node, [here('sleeper.mjs'), token], { stdio: 'ignore', signal: ac.signal, stopTimeout: 10_000 });
    ac.abort();
    await aborted.empty;
    result.abortedMembers = await aborted.members();
    result.abortedExit = await aborted.leader.exited;
    // Dispose twice, concurrently: one kill, one close, no error.
    const disposed = await spawnGroup(node, [here('sleeper.mjs'), token], { stdio: 'ignore' });
    await Promise.all([disposed[Symbol.asyncDispose](), disposed[Symbol.asyncDispose]()]);
    result.disposedMembers = await disposed.members();
    result.disposedClosed = disposed.closed;
    // Signalling and killing a group that is already empty is not an error.
    const done = await spawnGroup(node, ['-e', ''], { stdio: 'ignore' });
    await done.empty;
    result.emptySignal = await errorOf(() => done.signal('SIGTERM'));
    result.emptyKill = await errorOf(() => done.kill());
    result.emptyStop = await errorOf(() => done.stop());
    break;
  }
  case 'owner': {
    // Holds a group (onOwnerExit from argv[4]) and waits to be killed from outside.
    const onOwnerExit = process.argv[4];
    const group = await spawnGroup(node, [here('tree.mjs'), 'detached-orphan', token], { stdio: ['ignore', 'pipe', 'inherit'], onOwnerExit });
    const line = lines(group.leader.stdout);
    const grandchild = Number((await line(/^grandchild /)).split(' ')[1]);
    await line(/^middle-exited /);
    console.log(JSON.stringify({ owner: process.pid, id: group.id, leader: group.leader.pid, grandchild, onOwnerExit }));
    setInterval(() => {}, 1000);
    await new Promise(() => {}); // until killed from outside
    break;
  }
  default:
    throw new Error(`unknown scenario ${scenario}`);
}
// No process.exit: a closed group must not keep this process alive (the port's wait is released).
console.log(JSON.stringify(result));
