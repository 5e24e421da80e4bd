// The pg command under a Windows node.exe in Wine: run, ps, kill, ls and doctor work on the job
// backend; init, activate and fds say plainly that they are Unix-only.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../helpers/proc.js';
import { killByToken, pidsWithToken, script, startWindowsNode, windowsPath, wineUnavailable, type WindowsNode } from './wine.js';

const skip = wineUnavailable();
const main = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url));
const token = `pgwin-${randomUUID()}`;
const pg = (...args: string[]) => startWindowsNode(main, args).done;
let running: WindowsNode | undefined;

afterEach(async () => {
  if (running !== undefined) {
    try {
      process.kill(running.pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
    await running.done;
    running = undefined;
  }
  expect(killByToken(token)).toEqual([]);
});

describe.skipIf(skip !== undefined)(`pg on Windows${skip === undefined ? '' : ` skipped: ${skip}`}`, () => {
  it('doctor reports the job backend available and why the others are not', async () => {
    const r = await pg('doctor');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/job/);
    expect(r.stdout).toMatch(/cgroups exist only on Linux/);
  });

  it.each(['init', 'activate', 'fds'])('%s says it is Unix-only and exits 1', async (command) => {
    const r = await pg(command, '--', 'cmd', '/c', 'exit');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`pg ${command} is Unix-only: `));
  });

  it("run exits with the leader's status", async () => {
    const r = await pg('run', '--', 'node', '-e', 'process.exit(4)');
    expect(r.code).toBe(4);
  });

  it('ls and ps find a group another pg runs, by name; kill ends all of it', async () => {
    const name = `web-${token.slice(-8)}`;
    running = startWindowsNode(main, ['run', '--name', name, '--', 'node', windowsPath(script('tree.mjs')), 'detached-orphan', token]);
    // The leader and its detached grandchild, each with the token in its command line.
    await until(() => pidsWithToken(token).filter((p) => p !== running?.pid).length >= 2, 'the group to start', 90_000);
    const ls = await pg('ls', '--json');
    expect(ls.code).toBe(0);
    const listed = (JSON.parse(ls.stdout) as { id: string; name: string; backend: string }[]).find((g) => g.name === name);
    expect(listed?.backend).toBe('job');
    const ps = await pg('ps', name, '--json');
    expect(ps.code).toBe(0);
    expect((JSON.parse(ps.stdout) as unknown[]).length).toBe(2);
    const kill = await pg('kill', name);
    expect(kill.code).toBe(0);
    const run = await running.done;
    running = undefined;
    expect(run.code).not.toBe(0); // its leader was terminated
    await until(() => pidsWithToken(token).length === 0, 'every member to be gone', 30_000);
  });
});
