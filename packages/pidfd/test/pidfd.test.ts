import { fstatSync, openSync, closeSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { PidfdError, pidfdOpen, pidfdSelf, pidfdIdOf, ownPidfdId } from '../src/index.js';
import { exitOf, killStarted, start } from './helpers.js';

afterEach(killStarted);

describe('pidfdOpen + sendSignal', () => {
  it('signals the process through the pidfd', async () => {
    const child = start('sleep', ['60']);
    using pidfd = pidfdOpen(child.pid);
    expect(pidfd.pid).toBe(child.pid);
    pidfd.sendSignal(15);
    expect(await exitOf(child)).toEqual([null, 'SIGTERM']);
  });

  it('says ESRCH once the process is reaped', async () => {
    const child = start('true', []);
    using pidfd = pidfdOpen(child.pid);
    await exitOf(child); // libuv has reaped it
    let err: unknown;
    try { pidfd.sendSignal(0); } catch (e) { err = e; }
    expect(PidfdError.isInstance(err)).toBe(true);
    expect((err as PidfdError).code).toBe('ESRCH');
    expect((err as PidfdError).syscall).toBe('pidfd_send_signal');
  });

  it('refuses a pid that names no process with ESRCH', () => {
    // Above the kernel's PID_MAX_LIMIT (4194304): no process can have it.
    expect(() => pidfdOpen(0x3ffffff0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });

  it('refuses bad arguments with a TypeError naming the value', () => {
    expect(() => pidfdOpen(-1)).toThrow(TypeError);
    expect(() => pidfdOpen(1.5)).toThrow(/1\.5/);
    const pidfd = pidfdSelf();
    try {
      expect(() => pidfd.sendSignal(65)).toThrow(TypeError);
    } finally {
      pidfd.close();
    }
  });
});

describe('exited()', () => {
  it('resolves when the process exits, and info() then gives its exit code', async () => {
    const child = start('sh', ['-c', 'sleep 0.2; exit 7']);
    using pidfd = pidfdOpen(child.pid);
    const status = exitOf(child);
    await pidfd.exited();
    expect(await status).toEqual([7, null]);
    const info = pidfd.info();
    expect(info.exitCode).toBe(7);
    expect(info.signal).toBeNull();
  });

  it('rejects with EBADF when the pidfd is closed first', async () => {
    const child = start('sleep', ['60']);
    const pidfd = pidfdOpen(child.pid);
    const p = pidfd.exited();
    pidfd.close();
    await expect(p).rejects.toMatchObject({ code: 'EBADF' });
    expect(pidfd.closed).toBe(true);
    expect(() => pidfd.fd).toThrow(expect.objectContaining({ code: 'EBADF' }));
    pidfd.close(); // idempotent
  });
});

describe('info()', () => {
  it('reports pid, ppid and credentials of a live process', () => {
    const child = start('sleep', ['60']);
    using pidfd = pidfdOpen(child.pid);
    const info = pidfd.info();
    expect(info.pid).toBe(child.pid);
    expect(info.tgid).toBe(child.pid);
    expect(info.ppid).toBe(process.pid);
    expect(info.creds?.euid).toBe(process.geteuid?.());
    expect(typeof info.cgroupId).toBe('bigint');
    expect(info.exitCode).toBeUndefined();
  });
});

describe('pidfd id', () => {
  it('is the pidfs inode, stable per process and distinct between processes', () => {
    const a = start('sleep', ['60']);
    const b = start('sleep', ['60']);
    using pa = pidfdOpen(a.pid);
    using pa2 = pidfdOpen(a.pid);
    using pb = pidfdOpen(b.pid);
    expect(pa.id()).toBe(pa2.id());
    expect(pa.id()).not.toBe(pb.id());
    // Cross-check against the inode through an independent path (Node's own fstat).
    expect(pa.id()).toBe(fstatSync(pa.fd, { bigint: true }).ino);
    expect(pidfdIdOf(pb.fd)).toBe(pb.id());
  });

  it('ownPidfdId() equals the id of a pidfd for this process', () => {
    using self = pidfdSelf();
    expect(ownPidfdId()).toBe(self.id());
  });

  it('refuses an fd that is not a pidfd', () => {
    const fd = openSync('/proc/self/stat', 'r');
    try {
      expect(() => pidfdIdOf(fd)).toThrow(expect.objectContaining({ code: expect.stringMatching(/^(EINVAL|EUNSUPPORTED)$/) }));
    } finally {
      closeSync(fd);
    }
  });
});

describe('getfd()', () => {
  it('duplicates an fd of a process', () => {
    const fd = openSync('/proc/self/stat', 'r');
    try {
      using self = pidfdSelf();
      const dup = self.getfd(fd);
      try {
        expect(fstatSync(dup).ino).toBe(fstatSync(fd).ino);
      } finally {
        closeSync(dup);
      }
    } finally {
      closeSync(fd);
    }
  });
});
