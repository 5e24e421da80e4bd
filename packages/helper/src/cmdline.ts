import { parseIdentity } from '@pg/procfs';
import { HELPER_ARGV0_MARK } from './argv.js';

/** What a pg-helper's argv says about the group it leads. */
export interface HelperCmdline {
  /** The owning process's identity (`@pg/procfs`: pid plus `i<pidfd id>` or `t<start time>`), to tell whether it still lives. */
  owner: { pid: number; token: string };
  name: string | undefined;
  subreaper: boolean;
  keep: boolean;
  forward: 'leader' | 'group';
  cgroupDir: string | undefined;
  /** The leader's command as the helper was told to exec it. */
  file: string;
  args: string[];
}

/**
 * Recognise a pg-helper from the content of `/proc/PID/cmdline` (NUL-separated argv): argv[0]
 * must be `pg-helper` (what `startHelper` sets) or a path ending in `/pg-helper` or
 * `/pg-helper-asan`, with `--owner` and `--` present. Anything else gives undefined.
 * Between fork and exec the leader still shows the helper's argv for a moment: a scan should
 * also check that the process's parent is not itself a helper.
 */
export function parseHelperCmdline(cmdline: string): HelperCmdline | undefined {
  const argv = cmdline.split('\0');
  if (argv.at(-1) === '') argv.pop();
  const argv0 = argv[0];
  if (argv0 === undefined) return undefined;
  const base = argv0.slice(argv0.lastIndexOf('/') + 1);
  if (base !== HELPER_ARGV0_MARK && base !== `${HELPER_ARGV0_MARK}-asan`) return undefined;
  let owner: HelperCmdline['owner'] | undefined;
  const found: Omit<HelperCmdline, 'owner' | 'file' | 'args'> = { name: undefined, subreaper: false, keep: false, forward: 'leader', cgroupDir: undefined };
  let i = 1;
  for (; i < argv.length && argv[i] !== '--'; i++) {
    const flag = argv[i];
    if (flag === '--subreaper') found.subreaper = true;
    else if (flag === '--keep') found.keep = true;
    else {
      const value = argv[++i];
      if (value === undefined) return undefined;
      if (flag === '--owner') {
        owner = parseIdentity(value);
        if (owner === undefined) return undefined;
      } else if (flag === '--name') found.name = value;
      else if (flag === '--cgroup') found.cgroupDir = value;
      else if (flag === '--forward') {
        if (value !== 'leader' && value !== 'group') return undefined;
        found.forward = value;
      } else if (flag !== '--control-fd') return undefined;
    }
  }
  const file = argv[i + 1];
  if (argv[i] !== '--' || file === undefined || owner === undefined) return undefined;
  return { owner, ...found, file, args: argv.slice(i + 2) };
}
