import { expect, it } from 'vitest';
import { distinctLines, forEachBackend, start } from './harness.js';

// Supervisors use the real-time signals for their own commands (systemd does): a group takes them
// by name (SIGRTMIN+N, SIGRTMAX-N) and delivers them to every member like any other signal.
forEachBackend('group.signal with a real-time signal', (backend) => {
  it.runIf(process.platform === 'linux')('delivers SIGRTMIN+1 to the leader and to its child', async () => {
    const loop = 'while :; do sleep 0.1; done';
    const script = `(trap 'echo rt child' 35; echo ready child; ${loop}) & trap 'echo rt leader' 35; echo ready leader; ${loop}`;
    const group = await start(backend, '/bin/sh', ['-c', script]);
    expect(await distinctLines(group, /^ready (leader|child)$/, 2)).toEqual(['child', 'leader']);
    await group.signal('SIGRTMIN+1');
    expect(await distinctLines(group, /^rt (leader|child)$/, 2)).toEqual(['child', 'leader']);
  });
});
