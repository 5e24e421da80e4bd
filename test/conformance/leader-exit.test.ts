import { expect, it } from 'vitest';
import { fixture, forEachBackend, line, start } from './harness.js';

forEachBackend('the leader', (backend) => {
  it("reports the command's exit code", async () => {
    const group = await start(backend, '/bin/sh', ['-c', 'exit 7']);
    expect(await group.leader!.exited).toEqual({ code: 7, signal: null });
    expect([group.leader!.exitCode, group.leader!.signalCode]).toEqual([7, null]);
  });

  it("emits 'exit' with the code and signal, as a ChildProcess does", async () => {
    const group = await start(backend, '/bin/sh', ['-c', 'exit 3']);
    const event = new Promise<unknown[]>((resolve) => group.leader!.once('exit', (...args) => resolve(args)));
    expect(await event).toEqual([3, null]);
    expect(group.leader!.exitCode).toBe(3);
  });

  it('reports the signal that killed the command', async () => {
    const group = await start(backend, '/bin/sh', ['-c', 'kill -USR1 $$']);
    expect(await group.leader!.exited).toEqual({ code: null, signal: 'SIGUSR1' });
  });

  it("leader.kill('SIGTERM') reaches the command itself", async () => {
    const group = await start(backend, '/bin/sh', ['-c', 'trap "echo term \\$\\$" TERM; echo ready $$; while :; do sleep 0.1; done']);
    const [, pid] = await line(group, /^ready (\d+)$/);
    expect(Number(pid)).toBe(group.leader!.pid);
    expect(group.leader!.kill('SIGTERM')).toBe(true);
    await line(group, new RegExp(`^term ${pid}$`));
    expect(group.leader!.exitCode).toBe(null);
  });

  it('leader.kill(SIGKILL) ends the command, not just what stands in front of it', async () => {
    const group = await start(backend, fixture('forever.sh'));
    await line(group, /^ready$/);
    const pid = group.leader!.pid;
    expect(group.leader!.kill('SIGKILL')).toBe(true);
    expect(await group.leader!.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect((await group.members()).some((m) => m.pid === pid)).toBe(false);
  });

  it("passes stdio and an extra fd through at the same numbers", async () => {
    const group = await start(backend, '/bin/sh', ['-c', 'echo out; echo extra >&3'], { stdio: ['ignore', 'pipe', 'inherit', 'pipe'] });
    const extra = group.leader!.stdio[3] as NodeJS.ReadableStream;
    let text = '';
    extra.setEncoding('utf8');
    extra.on('data', (chunk: string) => (text += chunk));
    // Listen for the end before anything is awaited: the pipe may end before stdout's line is read.
    const ended = new Promise((resolve) => extra.once('end', resolve));
    await line(group, /^out$/);
    await ended;
    expect(text).toBe('extra\n');
    await group.empty;
  });
});
