import { closeSync, openSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { isChildSubreaper, isCloexec, pidfdOpen, reapNoHang, setChildSubreaper, setCloexec } from '../src/index.js';
import { exitOf, killStarted } from './helpers.js';

afterEach(async () => {
  setChildSubreaper(false);
  await killStarted();
});

describe('child subreaper', () => {
  it('round-trips', () => {
    setChildSubreaper(true);
    expect(isChildSubreaper()).toBe(true);
    setChildSubreaper(false);
    expect(isChildSubreaper()).toBe(false);
  });

  it('adopts an orphan, which reapNoHang then reaps with its status', async () => {
    setChildSubreaper(true);
    // The shell starts a background subshell and exits: the subshell is orphaned and reparents
    // to us, not to init. Not spawned by child_process, so libuv will not reap it: we must.
    const parent = spawn('sh', ['-c', '(sleep 0.3; exit 5) & echo $!'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    parent.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    await exitOf(parent);
    const orphan = Number(out.trim());
    expect(Number.isInteger(orphan) && orphan > 0).toBe(true);
    using pidfd = pidfdOpen(orphan);
    expect(pidfd.info().ppid).toBe(process.pid);
    expect(reapNoHang(orphan)).toBeNull(); // still running
    await pidfd.exited();
    expect(reapNoHang(orphan)).toEqual({ pid: orphan, exitCode: 5, signal: null });
  });

  it('reapNoHang on a process that is not a child says ECHILD', () => {
    expect(() => reapNoHang(process.pid)).toThrow(expect.objectContaining({ code: 'ECHILD' }));
  });
});

describe('setCloexec', () => {
  it('sets and clears FD_CLOEXEC', () => {
    const fd = openSync('/proc/self/stat', 'r');
    try {
      setCloexec(fd, false);
      expect(isCloexec(fd)).toBe(false);
      setCloexec(fd);
      expect(isCloexec(fd)).toBe(true);
    } finally {
      closeSync(fd);
    }
  });
  it('says EBADF for a closed fd', () => {
    const fd = openSync('/proc/self/stat', 'r');
    closeSync(fd);
    expect(() => setCloexec(fd)).toThrow(expect.objectContaining({ code: 'EBADF', syscall: 'fcntl' }));
  });
});
