import { readKernelFile } from '@pg/procfs';
import { posix } from 'node:path';
import { CgroupError, fsError } from './errors.js';

/** A cgroup v2 mount, from /proc/self/mountinfo. */
export interface Cgroup2Mount {
  /** Where it is mounted, e.g. `/sys/fs/cgroup` (or `/sys/fs/cgroup/unified` on hybrid hosts). */
  readonly mountPoint: string;
  /** The cgroup path the mount shows at its top: `/` unless it is a bind mount of a subtree. */
  readonly root: string;
  /**
   * The file system's super options (mountinfo's last field, proc(5)): `nsdelegate`,
   * `favordynmods`, `memory_recursiveprot`… (cgroup-v2.rst "Mounting").
   */
  readonly options: readonly string[];
}

/** mountinfo escapes space, tab, newline and backslash as octal (`\040`): undo that. */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/**
 * Parse mountinfo text (proc(5): `id parent maj:min root mountpoint opts [optional…] - fstype
 * source superopts`) and return every `cgroup2` mount in order, with its super options.
 */
export function parseCgroup2Mounts(mountinfo: string): Cgroup2Mount[] {
  const mounts: Cgroup2Mount[] = [];
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const [fstype, , superOptions = ''] = line.slice(sep + 3).split(' ');
    if (fstype !== 'cgroup2') continue;
    const fields = line.slice(0, sep).split(' ');
    const root = fields[3];
    const mountPoint = fields[4];
    if (root === undefined || mountPoint === undefined) continue;
    const options = superOptions.split(',').filter(Boolean);
    mounts.push({ root: unescapeMountField(root), mountPoint: unescapeMountField(mountPoint), options });
  }
  return mounts;
}

/**
 * The cgroup v2 path of a process from /proc/PID/cgroup: the `0::` line (cgroups(7)). On a pure
 * v1 host there is none. A path like `/../x` means the cgroup is outside this cgroup namespace.
 */
export function parseCgroupPath(procCgroup: string): string | undefined {
  for (const line of procCgroup.split('\n')) {
    if (line.startsWith('0::')) return line.slice(3);
  }
  return undefined;
}

/**
 * Find the cgroup v2 mount that shows `cgroupPath` (the first whose root is a prefix of it).
 * Never hard-coded: `/sys/fs/cgroup` on unified hosts, `/sys/fs/cgroup/unified` on hybrid ones.
 * @throws CgroupError `'ENOCGROUP2'` when no cgroup2 filesystem is mounted.
 */
export function findCgroup2Mount(cgroupPath = '/'): Cgroup2Mount {
  const mounts = readCgroup2Mounts();
  const match = mounts.find((m) => isWithin(cgroupPath, m.root)) ?? mounts[0];
  if (match === undefined) throw noCgroup2();
  return match;
}

/**
 * The cgroup v2 mount that directory `dir` lies on (the longest mount point above it).
 * @throws CgroupError `'ENOCGROUP2'` when no cgroup2 filesystem is mounted, `'ENOENT'` when `dir`
 * is on none of them.
 */
export function findCgroup2MountOfDir(dir: string): Cgroup2Mount {
  const mounts = readCgroup2Mounts();
  if (mounts.length === 0) throw noCgroup2();
  const normal = posix.normalize(dir);
  const match = mounts
    .filter((m) => normal === m.mountPoint || normal.startsWith(m.mountPoint === '/' ? '/' : `${m.mountPoint}/`))
    .sort((a, b) => b.mountPoint.length - a.mountPoint.length)[0];
  if (match === undefined) throw new CgroupError(`${dir} is not on a cgroup v2 mount (${mounts.map((m) => m.mountPoint).join(', ')})`, 'ENOENT', dir);
  return match;
}

function readCgroup2Mounts(): Cgroup2Mount[] {
  try {
    return parseCgroup2Mounts(readKernelFile('/proc/self/mountinfo'));
  } catch (error) {
    throw fsError('reading', '/proc/self/mountinfo', error);
  }
}

function noCgroup2(): CgroupError {
  return new CgroupError('no cgroup v2 filesystem is mounted (no cgroup2 line in /proc/self/mountinfo)', 'ENOCGROUP2');
}

/** Whether cgroup path `path` is `ancestor` or below it. */
export function isWithin(path: string, ancestor: string): boolean {
  if (ancestor === '/') return path.startsWith('/');
  return path === ancestor || path.startsWith(`${ancestor}/`);
}

/**
 * The cgroup v2 path of `pid` (default: this process), e.g. `/user.slice/…` or `/`.
 * Read fresh every time: a process can be moved between cgroups at any moment.
 * @throws CgroupError `'ENOCGROUP2'` on a v1-only host, `'ENOENT'` when the process is gone.
 */
export function cgroupPathOf(pid: number | 'self' = 'self'): string {
  const file = `/proc/${pid}/cgroup`;
  const path = parseCgroupPath(readProcCgroup(file));
  if (path === undefined) throw new CgroupError(`${file} has no cgroup v2 (0::) line: this host uses cgroup v1 only`, 'ENOCGROUP2', file);
  return path.trimEnd();
}

/**
 * The controllers bound to cgroup v1 hierarchies for this process (the `N:name,name:/path`
 * lines of /proc/self/cgroup, cgroups(7)): on a hybrid host cgroup v2 cannot use them.
 */
export function cgroupV1Controllers(): string[] {
  const out: string[] = [];
  for (const line of readProcCgroup('/proc/self/cgroup').split('\n')) {
    const controllers = line.split(':')[1];
    if (controllers) out.push(...controllers.split(',').filter((c) => !c.startsWith('name=')));
  }
  return out;
}

function readProcCgroup(file: string): string {
  try {
    return readKernelFile(file);
  } catch (error) {
    throw fsError('reading', file, error);
  }
}

/** The directory of cgroup path `cgroupPath` on `mount`. @throws CgroupError when not visible there. */
export function cgroupDir(cgroupPath: string, mount: Cgroup2Mount = findCgroup2Mount(cgroupPath)): string {
  if (!isWithin(cgroupPath, mount.root)) {
    throw new CgroupError(`cgroup ${cgroupPath} is not visible under the cgroup2 mount ${mount.mountPoint} (root ${mount.root})`, 'ENOENT');
  }
  const rel = mount.root === '/' ? cgroupPath : cgroupPath.slice(mount.root.length);
  const dir = posix.join(mount.mountPoint, rel);
  return dir.length > 1 && dir.endsWith('/') ? dir.slice(0, -1) : dir;
}

/** The cgroup path (as /proc/PID/cgroup shows it) of directory `dir` on `mount`, or undefined if `dir` is outside it. */
export function cgroupPathOfDir(dir: string, mount: Cgroup2Mount): string | undefined {
  const normal = posix.normalize(dir);
  if (normal !== mount.mountPoint && !normal.startsWith(`${mount.mountPoint}/`)) return undefined;
  return posix.join(mount.root, normal.slice(mount.mountPoint.length) || '/');
}

/** The directory of this process's own cgroup. */
export function ownCgroupDir(): string {
  return cgroupDir(cgroupPathOf('self'));
}
