// The hand-written cgroup v2 peer: plain fs reads and writes on a directory the bench creates
// under the cgroup2 mount (found by @pg/cgroup from /proc/self/mountinfo, never hard-coded; not
// part of what is measured), removed after use. This is the floor pg's cgroup backend is
// measured against: no pidfds, no checks, no policy.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CgroupError, findCgroup2Mount } from '@pg/cgroup';

/** The cgroup2 mount point, or undefined when there is none (cgroup v1 only, or not Linux). */
export function cgroup2Mount() {
  try {
    return findCgroup2Mount().mountPoint;
  } catch (error) {
    if (CgroupError.isInstance(error)) return undefined;
    throw error;
  }
}

/** Whether raw cgroup work is possible here: a v2 mount where this process can mkdir, with cgroup.kill. */
export function rawCgroupUsable() {
  const mount = cgroup2Mount();
  if (mount === undefined) return { ok: false, reason: 'no cgroup2 mount in /proc/self/mountinfo' };
  const probe = join(mount, `pg-bench-probe-${process.pid}`);
  try {
    mkdirSync(probe);
  } catch (error) {
    return { ok: false, reason: `cannot create a cgroup under ${mount}: ${error.code}` };
  }
  try {
    if (!existsSync(join(probe, 'cgroup.kill'))) return { ok: false, reason: 'cgroup.kill is missing (Linux < 5.14)' };
    return { ok: true, reason: `cgroup2 at ${mount}` };
  } finally {
    rmdirSync(probe);
  }
}

let serial = 0;

/** A raw cgroup: mkdir, spawn into it before the child's first instruction, list, kill, wait, rmdir. */
export class RawCgroup {
  constructor() {
    const mount = cgroup2Mount();
    this.dir = join(mount, `pg-bench-${process.pid}-${serial++}`);
    mkdirSync(this.dir);
  }

  /**
   * Starts `file args` inside the cgroup: a /bin/sh pre-exec step writes 0 (itself) into
   * cgroup.procs and then execs the command, so the command's first instruction already runs in
   * the group (docs/linux.md#placing-a-child-in-its-cgroup: moving child.pid after spawn() returns is a race).
   */
  spawn(file, args, options = {}) {
    return spawn('/bin/sh', ['-c', 'echo 0 > "$0/cgroup.procs" && exec "$@"', this.dir, file, ...args], options);
  }

  /** One read of cgroup.procs. */
  procs() {
    const text = readFileSync(join(this.dir, 'cgroup.procs'), 'latin1');
    return text === '' ? [] : text.trimEnd().split('\n').map(Number);
  }

  populated() {
    return /^populated 1$/m.test(readFileSync(join(this.dir, 'cgroup.events'), 'latin1'));
  }

  /** SIGKILL to every member, atomic against forks (Linux 5.14). */
  kill() {
    writeFileSync(join(this.dir, 'cgroup.kill'), '1');
  }

  /**
   * Resolves when `populated 0`: inotify on cgroup.events plus a 1 ms re-read, because the
   * kernel rate-limits those notifications (~12 ms here, docs/linux.md#emptiness-and-cgroupevents).
   */
  whenEmpty(limitMs = 60_000) {
    return new Promise((resolve, reject) => {
      let watcher;
      let timer;
      const deadline = Date.now() + limitMs;
      const finish = (error) => {
        watcher?.close();
        clearInterval(timer);
        error ? reject(error) : resolve();
      };
      const check = () => {
        if (!this.populated()) finish();
        else if (Date.now() > deadline) finish(new Error(`${this.dir} still populated after ${limitMs} ms`));
      };
      watcher = watch(join(this.dir, 'cgroup.events'), check);
      timer = setInterval(check, 1);
      check();
    });
  }

  /**
   * Removes the directory once the cgroup is empty. A process leaves its cgroup only as it
   * finishes exiting, so rmdir right after the last exit can give EBUSY: retried every 1 ms for
   * up to `limitMs`, as @pg/cgroup's `remove()` does for pg (the two rows pay the same wait).
   */
  async remove(limitMs = 5000) {
    for (const deadline = Date.now() + limitMs; ; await sleep(1)) {
      try {
        rmdirSync(this.dir);
        return;
      } catch (error) {
        if (error.code !== 'EBUSY' || Date.now() >= deadline) throw error;
      }
    }
  }
}
