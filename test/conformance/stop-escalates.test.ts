import { expect, it } from 'vitest';
import { fixture, forEachBackend, line, start } from './harness.js';

forEachBackend('stop escalates to SIGKILL', (backend) => {
  it('kills a member that ignores SIGTERM once the timeout passes', async () => {
    const group = await start(backend, fixture('ignore-sigterm.sh'));
    await line(group, /^ready$/);
    await group.stop({ timeout: 300 });
    expect(await group.members()).toEqual([]);
    expect(group.leader!.signalCode).toBe('SIGKILL');
  });

  it('ends with SIGTERM alone when the members obey it', async () => {
    const group = await start(backend, fixture('forever.sh'));
    await line(group, /^ready$/);
    await group.stop({ timeout: 30_000 });
    expect(group.leader!.signalCode).toBe('SIGTERM');
  });

  it('ends a stopped (SIGSTOP) member: SIGCONT follows the signal', async () => {
    const group = await start(backend, fixture('forever.sh'));
    await line(group, /^ready$/);
    await group.signal('SIGSTOP');
    await group.stop({ signal: 'SIGTERM', timeout: 30_000 });
    expect(group.leader!.signalCode).toBe('SIGTERM');
  });
});
