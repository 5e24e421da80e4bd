import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CgroupError, fsCode, fsError } from './errors.js';
import { readEvents, waitForEvents, type CgroupEvents, type WaitOptions } from './events.js';
import { parsePids, readCgroupFile, readOptional, writeCgroupFile } from './files.js';

/**
 * One cgroup v2 directory, used through its interface files. Holds no fd and no watcher: every
 * method is a read or a write of a kernel file, so an object can be dropped at any time.
 */
export class Cgroup {
  /** Absolute directory of the cgroup, e.g. `/sys/fs/cgroup/pg/web@4242.i3596.0`. */
  readonly dir: string;

  constructor(dir: string) {
    if (typeof dir !== 'string' || !posix.isAbsolute(dir) || dir.includes('\0')) {
      throw new TypeError(`Invalid option \`dir\`: got ${String(dir)}, expected an absolute cgroup directory path.`);
    }
    this.dir = posix.normalize(dir);
  }

  /**
   * Attach to an existing cgroup directory. @throws CgroupError `'ENOENT'` when it does not exist
   * or is not a cgroup (no `cgroup.procs`).
   */
  static open(dir: string): Cgroup {
    const group = new Cgroup(dir);
    if (readOptional(group.file('cgroup.procs')) === undefined) {
      throw new CgroupError(`${group.dir} is not a cgroup (no cgroup.procs)`, 'ENOENT', group.dir);
    }
    return group;
  }

  /**
   * Create the child cgroup `name` of `parent` (one mkdir). `name` must already be validated
   * (see `validateGroupName`); this only refuses what could leave `parent`.
   * @throws CgroupError `'EEXIST'`, `'EACCES'`, `'ENOENT'` (parent gone).
   */
  static create(parent: string, name: string): Cgroup {
    if (name === '' || name === '.' || name === '..' || /[/\0\n]/.test(name)) {
      throw new TypeError(`Invalid option \`name\`: got ${JSON.stringify(name)}, expected one path segment.`);
    }
    const dir = posix.join(parent, name);
    try {
      mkdirSync(dir);
    } catch (error) {
      // cgroup-v2.rst: mkdir fails with EAGAIN when an ancestor's limit on descendants or depth is reached.
      if (fsCode(error) === 'EAGAIN') {
        throw new CgroupError(
          `creating cgroup ${dir} failed: EAGAIN: an ancestor's cgroup.max.descendants or cgroup.max.depth is reached; remove unused groups or raise the limit`,
          'EAGAIN',
          dir,
          { cause: error },
        );
      }
      throw fsError('creating cgroup', dir, error);
    }
    return new Cgroup(dir);
  }

  /** Path of one interface file of this cgroup. */
  file(name: string): string {
    return posix.join(this.dir, name);
  }

  /** The 64-bit cgroup id: the inode of the directory (what PIDFD_GET_INFO and bpf report). */
  id(): bigint {
    try {
      return statSync(this.dir, { bigint: true }).ino;
    } catch (error) {
      throw fsError('stat of cgroup', this.dir, error);
    }
  }

  /** Whether the directory still exists. */
  exists(): boolean {
    return readOptional(this.file('cgroup.procs')) !== undefined;
  }

  /**
   * Processes directly in this cgroup: one read of `cgroup.procs` (not of its children). Zombies
   * are not listed; a pid may be recycled by the time the caller uses it.
   */
  procs(): number[] {
    return parsePids(readCgroupFile(this.file('cgroup.procs')));
  }

  /** Child cgroups (directories), as Cgroup objects. */
  children(): Cgroup[] {
    let entries;
    try {
      entries = readdirSync(this.dir, { withFileTypes: true });
    } catch (error) {
      throw fsError('listing', this.dir, error);
    }
    return entries.filter((e) => e.isDirectory()).map((e) => new Cgroup(posix.join(this.dir, e.name)));
  }

  /** This cgroup and every cgroup below it, parents before children. */
  descendants(): Cgroup[] {
    const out: Cgroup[] = [this];
    for (let i = 0; i < out.length; i++) {
      const group = out[i] as Cgroup;
      try {
        out.push(...group.children());
      } catch (error) {
        // A child cgroup removed while we walk: skip it.
        if (CgroupError.isInstance(error) && error.code === 'ENOENT' && group !== this) continue;
        throw error;
      }
    }
    return out;
  }

  /**
   * Every process in this cgroup or below it. With no child cgroups (the usual case) this is one
   * readdir plus one read of `cgroup.procs`.
   */
  members(): number[] {
    const pids = new Set<number>();
    for (const group of this.descendants()) {
      const text = readOptional(group.file('cgroup.procs'));
      if (text !== undefined) for (const pid of parsePids(text)) pids.add(pid);
    }
    return [...pids];
  }

  /** `cgroup.events` now. */
  events(): CgroupEvents {
    return readEvents(this.dir);
  }

  /** Whether any process lives in the cgroup or below (the recursive `populated`). */
  populated(): boolean {
    return this.events().populated;
  }

  /**
   * SIGKILL every process in the cgroup and below with one write of `1` to `cgroup.kill`
   * (Linux 5.14): atomic against concurrent forks and migrations. Returns once the signal is
   * sent, not once the processes are gone: await `waitUntilEmpty()`.
   * @throws CgroupError `'EUNSUPPORTED'` before Linux 5.14 or on the root cgroup, which lack the
   * file; `'ENOENT'` when the directory itself is gone (removed from outside: the processes that
   * were in it may live on elsewhere, so "nothing to kill" would be a lie).
   */
  kill(): void {
    try {
      writeCgroupFile(this.file('cgroup.kill'), '1');
    } catch (error) {
      if (CgroupError.isInstance(error) && error.code === 'ENOENT' && this.exists()) {
        throw new CgroupError(`${this.dir} has no cgroup.kill (needs Linux 5.14, not the root cgroup)`, 'EUNSUPPORTED', this.file('cgroup.kill'), { cause: error });
      }
      throw error;
    }
  }

  /** Whether `cgroup.freeze` asks for frozen (1) here. Undefined where the file is missing. */
  freezeRequested(): boolean | undefined {
    const text = readOptional(this.file('cgroup.freeze'));
    return text === undefined ? undefined : text.trim() === '1';
  }

  /**
   * Freeze the cgroup and below (`cgroup.freeze` = 1, Linux 5.2) and resolve once the kernel
   * reports `frozen 1`. A frozen task cannot fork; signals with a handler run only after thaw.
   */
  async freeze(options: WaitOptions = {}): Promise<void> {
    this.requestFreeze();
    const wait = waitForEvents(this.dir, (e) => e.frozen || !e.populated, options);
    wait.kick();
    await wait;
  }

  /**
   * Ask for the cgroup and below to freeze (`cgroup.freeze` = 1) and return at once: the kernel
   * freezes each task as it next leaves the kernel; `events().frozen` says when all are. A task
   * in uninterruptible sleep can delay that indefinitely (so how long to wait is the caller's call).
   */
  requestFreeze(): void {
    writeCgroupFile(this.file('cgroup.freeze'), '1');
  }

  /** Thaw (`cgroup.freeze` = 0). Tolerates a cgroup that is already gone. */
  thaw(): void {
    try {
      writeCgroupFile(this.file('cgroup.freeze'), '0');
    } catch (error) {
      if (CgroupError.isInstance(error) && error.code === 'ENOENT') return;
      throw error;
    }
  }

  /** Resolve once no process is left in the cgroup or below (see `waitForEvents`). */
  waitUntilEmpty(options: WaitOptions = {}): Promise<CgroupEvents> & { kick(): void } {
    return waitForEvents(this.dir, (e) => !e.populated, options);
  }

  /**
   * Remove the directory (and child cgroups, deepest first). rmdir gives EBUSY while a process is
   * still inside (a killed process leaves the cgroup only as it finishes exiting), so EBUSY is
   * retried for up to `timeoutMs` (default 5000). A cgroup already gone is not an error.
   * @throws CgroupError `'EBUSY'` when it did not empty in time.
   */
  async remove(options: { timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 5000);
    for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
      try {
        this.removeNow();
        return;
      } catch (error) {
        if (!(CgroupError.isInstance(error) && error.code === 'EBUSY') || Date.now() >= deadline) throw error;
      }
      await sleep(wait);
    }
  }

  /** One attempt at removing the directory tree, deepest first. @throws CgroupError `'EBUSY'`. */
  removeNow(): void {
    // The usual case first: no child cgroups (EBUSY would say there are, or a process is left).
    try {
      rmdirSync(this.dir);
      return;
    } catch (error) {
      const code = fsCode(error);
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' && code !== 'ENOTEMPTY') throw fsError('removing cgroup', this.dir, error);
    }
    let all: Cgroup[];
    try {
      all = this.descendants();
    } catch (error) {
      if (CgroupError.isInstance(error) && error.code === 'ENOENT') return;
      throw error;
    }
    for (const group of all.reverse()) {
      try {
        rmdirSync(group.dir);
      } catch (error) {
        if (fsCode(error) === 'ENOENT') continue;
        throw fsError('removing cgroup', group.dir, error);
      }
    }
  }

  /** Move process `pid` (0: the writer itself) here: one write to `cgroup.procs`. */
  adopt(pid: number): void {
    if (!Number.isInteger(pid) || pid < 0) throw new TypeError(`Invalid option \`pid\`: got ${pid}, expected a non-negative integer.`);
    writeCgroupFile(this.file('cgroup.procs'), String(pid));
  }
}
