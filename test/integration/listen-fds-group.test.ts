// activate() composes with spawnGroup: the activated program is the leader of a group on every
// backend available here (the cgroup backend adds its own pre-exec step), it sees its own pid and
// pidfd id, serves from the passed socket, and the whole group is killed at the end.
import { activate, describeFd } from '@pg/listen-fds';
import { pidfdOpen } from '@pg/pidfd';
import { spawnGroup, type ProcessGroup } from '@pg/core';
import { afterEach, expect, it } from 'vitest';
import { forEachBackend } from '../conformance/harness.js';
import { httpGet } from './http-get.js';

const SERVICE = new URL('../fixtures/listen-fds-http-service.mjs', import.meta.url).pathname;
const groups: ProcessGroup[] = [];
afterEach(async () => {
  await Promise.all(groups.splice(0).map((g) => g[Symbol.asyncDispose]()));
});

forEachBackend('activate() with spawnGroup as the spawn adapter', (backend) => {
  it('starts the activated service as the leader of a group', async () => {
    const a = await activate(process.execPath, [SERVICE, 'http'], {
      sockets: [{ socket: '127.0.0.1:0', name: 'http' }],
      stdio: ['ignore', 'ignore', 'inherit'],
      keepSockets: true,
      spawn: async (file, args, options) => {
        const group = await spawnGroup(file, args, { ...options, backend });
        groups.push(group);
        return group;
      },
    });
    const group = a.child;
    const d = describeFd(a.sockets[0]!.fd);
    a.close();
    const port = (d as { port: number }).port;
    expect(group.leader!.pid).toBe(a.pid);
    using pidfd = pidfdOpen(a.pid);
    expect(a.pidfdId).toBe(pidfd.id());
    const answer = await httpGet(port);
    expect(answer).toMatchObject({ pid: a.pid, requests: 1, seen: { LISTEN_PID: String(a.pid), LISTEN_FDNAMES: 'http' } });
    expect((await group.members()).map((m) => m.pid)).toContain(a.pid);
    await group.kill();
    expect(await group.members()).toEqual([]);
  });
});
