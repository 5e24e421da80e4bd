// A cgroup v2 directory below this process's own for tests: root, a cgroup2 mount and
// cgroup.kill (Linux 5.14) are needed; `supported` says whether they are here. Every directory
// made is killed, waited empty and removed by `removeCgroups()`.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { until } from './helpers.js';

/** This process's cgroup directory on the cgroup2 mount (from mountinfo and /proc/self/cgroup). */
function ownCgroupDir(): string | undefined {
  const mount = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .find((f) => f[f.indexOf('-') + 1] === 'cgroup2')?.[4];
  const own = readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.startsWith('0::'))?.slice(3);
  return mount === undefined || own === undefined ? undefined : join(mount, own);
}

const parent = ownCgroupDir();
let counter = 0;
const made: string[] = [];

/** Root, a cgroup2 mount, and a child cgroup with cgroup.kill can be made below ours. */
function probe(): boolean {
  if (parent === undefined || process.getuid?.() !== 0) return false;
  const dir = join(parent, `pg-helper-probe-${process.pid}`);
  try {
    mkdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return false;
    throw error;
  }
  const ok = existsSync(join(dir, 'cgroup.kill'));
  rmdirSync(dir);
  return ok;
}
export const supported = probe();

/** A fresh cgroup below ours, removed (killed first) after the test. */
export function freshCgroup(): string {
  const dir = join(parent as string, `pg-helper-test-${process.pid}-${counter++}`);
  mkdirSync(dir);
  made.push(dir);
  return dir;
}

/** Kill, wait empty and remove every directory `freshCgroup` made. */
export async function removeCgroups(): Promise<void> {
  for (const dir of made.splice(0)) {
    if (!existsSync(dir)) continue;
    writeFileSync(join(dir, 'cgroup.kill'), '1');
    await until(() => readFileSync(join(dir, 'cgroup.events'), 'utf8').includes('populated 0'), `${dir} to empty`);
    await until(() => {
      try {
        rmdirSync(dir);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EBUSY') return false;
        throw error;
      }
    }, `rmdir ${dir}`);
  }
}

export const procs = (dir: string): number[] => readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
export const cgroupOf = (pid: number): string | undefined => readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => l.startsWith('0::'))?.slice(3);
