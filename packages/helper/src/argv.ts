import type { StdioOptions } from 'node:child_process';
import { isAbsolute } from 'node:path';
import { parseIdentity } from '@pg/procfs';

/** argv[0] of every helper that `startHelper` spawns: what a /proc scan recognises. */
export const HELPER_ARGV0_MARK = 'pg-helper';

/** How to start a command under pg-helper. */
export interface StartHelperOptions {
  /** The command, an absolute path (resolve PATH first): the helper execs it with execv. */
  file: string;
  args: readonly string[];
  /** Working directory of the helper, and so of the leader. */
  cwd?: string;
  /** Environment of the helper, and so of the leader (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /**
   * The leader's stdio, as for `child_process.spawn` (a string means 3 entries). The leader gets
   * exactly these fds at these numbers; `'ipc'` is refused (the channel would end in the helper).
   */
  stdio: StdioOptions;
  /** Make the helper a child subreaper: it adopts every orphan and exits when none is left. */
  subreaper: boolean;
  /** When the owner goes away (dies, or closes the control), leave the group running. */
  keep: boolean;
  /** Forward the helper's signals to the leader only (default) or to every descendant. */
  forward?: 'leader' | 'group';
  /** A cgroup v2 directory: the leader is created in it with clone3(CLONE_INTO_CGROUP). */
  cgroupDir?: string;
  /** `"PID:STARTTIME"` of the owning process, for a /proc scan to attribute the group. */
  owner: string;
  /** A name for the group, for a /proc scan (`parseHelperCmdline`). */
  name?: string;
  /** The helper binary (default: `findHelper()`). */
  helperPath?: string;
}

type StdioEntry = Exclude<StdioOptions, string>[number];

/**
 * The caller's stdio as an array of at least 3 entries (missing ones are left to Node: 'pipe'
 * for 0..2). The control socket goes right after them, at fd `entries.length`.
 * @throws TypeError for anything that is not spawn's stdio, or an 'ipc' entry.
 */
export function expandStdio(stdio: StdioOptions): StdioEntry[] {
  let entries: StdioEntry[];
  if (typeof stdio === 'string') entries = [stdio, stdio, stdio];
  else if (Array.isArray(stdio)) entries = [...(stdio as StdioEntry[])];
  else throw new TypeError(`Invalid option \`stdio\`: got ${String(stdio)}, expected 'pipe', 'ignore', 'inherit' or an array of stdio entries.`);
  entries.forEach((entry, i) => {
    if (entry === 'ipc') throw new TypeError(`Invalid option \`stdio[${i}]\`: got 'ipc', expected anything else: the IPC channel would end in pg-helper, not in the command.`);
  });
  while (entries.length < 3) entries.push(undefined);
  return entries;
}

/**
 * pg-helper's argv after argv[0], for a control fd at `controlFd`.
 * @throws TypeError naming the option, the value and what was expected.
 */
export function helperArgs(options: StartHelperOptions, controlFd: number): string[] {
  const { file, args } = options;
  if (typeof file !== 'string' || !isAbsolute(file) || file.includes('\0')) {
    throw new TypeError(`Invalid option \`file\`: got ${String(file)}, expected an absolute path (resolve PATH before starting the helper).`);
  }
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string' && !a.includes('\0'))) {
    throw new TypeError(`Invalid option \`args\`: got ${String(args)}, expected an array of strings without NUL.`);
  }
  if (typeof options.owner !== 'string' || parseIdentity(options.owner) === undefined) {
    throw new TypeError(`Invalid option \`owner\`: got ${String(options.owner)}, expected the owner's identity "PID.TOKEN" (TOKEN: i<pidfd id> or t<start time>).`);
  }
  if (options.forward !== undefined && options.forward !== 'leader' && options.forward !== 'group') {
    throw new TypeError(`Invalid option \`forward\`: got ${String(options.forward)}, expected 'leader' or 'group'.`);
  }
  for (const key of ['cgroupDir', 'name'] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'string' || value === '' || value.includes('\0'))) {
      throw new TypeError(`Invalid option \`${key}\`: got ${String(value)}, expected a non-empty string without NUL.`);
    }
  }
  if (options.cgroupDir !== undefined && !isAbsolute(options.cgroupDir)) {
    throw new TypeError(`Invalid option \`cgroupDir\`: got ${options.cgroupDir}, expected an absolute path to a cgroup v2 directory.`);
  }
  const flags: string[] = [];
  if (options.subreaper) flags.push('--subreaper');
  if (options.keep) flags.push('--keep');
  flags.push('--control-fd', String(controlFd));
  if (options.forward !== undefined) flags.push('--forward', options.forward);
  if (options.cgroupDir !== undefined) flags.push('--cgroup', options.cgroupDir);
  flags.push('--owner', options.owner);
  if (options.name !== undefined) flags.push('--name', options.name);
  return [...flags, '--', file, ...args];
}
