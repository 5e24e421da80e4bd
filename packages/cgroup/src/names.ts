import { isIdentityToken, type ProcessIdentity } from '@pg/procfs';

/**
 * Group names and the directory names pg gives groups.
 *
 * Owner marker: a cgroup directory cannot hold a file of ours (cgroupfs refuses to create files),
 * and Node has no xattr API (cgroupfs does accept `user.*` xattrs on 6.18, but reaching them
 * needs FFI and they vanish from `ls`). So the owner goes into the directory name itself:
 *
 *     NAME@PID.TOKEN.SEQ      e.g.  web@4242.i3596.0
 *
 * PID is the creating process; TOKEN says which process that pid was: `i<pidfd id>` (the 64-bit
 * pidfs inode, unique for the boot) or, where no pidfd id exists, `t<start time>` (field 22 of
 * /proc/PID/stat, clock ticks since boot). Pid alone is never the identity: pids are recycled.
 * SEQ makes names unique within one process. cgroup v2 forbids renaming directories, so the
 * marker stays what it was at creation; the name is visible in `/proc/PID/cgroup` and `ls`.
 */

/** Longest group name accepted (the directory name adds at most ~45 characters; NAME_MAX is 255). */
export const MAX_NAME_LENGTH = 64;

/**
 * The one rule for group names in pg (`@pg/core` validates `spawnGroup`'s `name` with it, for
 * every backend): names may use letters, digits and `._:+@-` and must start with a letter, digit, `_` or `@`.
 * That excludes `/`, `..`, `.`, NUL, control characters and whitespace, so no name can reach a
 * path outside the base. An `@` in a name is harmless: the marker is parsed from the right.
 */
const NAME = /^[A-Za-z0-9_@][A-Za-z0-9._:+@-]*$/;

/**
 * Validate a group name. @throws TypeError naming the option, the value and what is expected.
 */
export function validateGroupName(name: unknown, option = 'name'): string {
  if (typeof name === 'string' && name.length <= MAX_NAME_LENGTH && NAME.test(name)) return name;
  const shown = typeof name === 'string' ? JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name) : String(name);
  throw new TypeError(
    `Invalid option \`${option}\`: got ${shown}, expected 1..${MAX_NAME_LENGTH} characters of A-Z a-z 0-9 . _ : + @ -, not starting with ".", ":", "+" or "-" (no "/", "..", spaces or control characters).`,
  );
}

/**
 * Who created a group: `@pg/procfs`'s process identity, the pid plus a token that tells that
 * process from a later one with the same pid (`i<pidfd id>` or `t<start time in clock ticks>`).
 */
export type Owner = ProcessIdentity;

/** A parsed pg group directory name. */
export interface GroupDirName {
  readonly name: string;
  readonly owner: Owner;
  readonly seq: number;
}

const DIR = /^([A-Za-z0-9_@][A-Za-z0-9._:+@-]*)@([1-9][0-9]*)\.([it][0-9]+)\.([0-9]+)$/;

/** The directory name for group `name` created by `owner`. */
export function formatGroupDirName(name: string, owner: Owner, seq: number): string {
  validateGroupName(name);
  if (!isIdentityToken(owner.token)) throw new TypeError(`Invalid option \`owner.token\`: got ${owner.token}, expected i<digits> or t<digits>.`);
  return `${name}@${owner.pid}.${owner.token}.${seq}`;
}

/** Parse a directory name made by `formatGroupDirName`, or undefined for any other directory. */
export function parseGroupDirName(dirName: string): GroupDirName | undefined {
  const m = DIR.exec(dirName);
  if (m === null) return undefined;
  const [, name, pid, token, seq] = m as unknown as [string, string, string, string, string];
  if (name.length > MAX_NAME_LENGTH || !Number.isSafeInteger(Number(pid))) return undefined;
  return { name, owner: { pid: Number(pid), token }, seq: Number(seq) };
}
