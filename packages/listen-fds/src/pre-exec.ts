// The pre-exec step that lets the activated program see its own pid and pidfd id, although
// neither exists before the spawn (docs/socket-activation.md#sending-side). A shell is
// spawned in place of the program: it sets LISTEN_PID=$$ (the pid survives execve), reads the
// pidfd id that the parent computes from pidfd_open(child) and writes to a pipe, closes the pipe
// and execs the program, which so keeps the pid, the id and exactly the descriptors 3..3+n-1.
import { accessSync, constants } from 'node:fs';
import { ListenFdsError } from './errors.js';

/** The shell to run the step, with the script for a pipe at descriptor `pipeFd`. */
export interface PreExec {
  readonly shell: string;
  readonly script: string;
}

/** `$0` of the step, shown in the shell's own error messages (`pg-activate: 1: exec: x: not found`). */
export const PRE_EXEC_ARGV0 = 'pg-activate';

/**
 * The step for a pipe at `pipeFd`. dash (Debian's /bin/sh) only redirects descriptors 0..9, so a
 * pipe above 9 (more than 6 sockets) needs bash. Variables the shell itself would add to the
 * program's environment (`PWD`; bash's `SHLVL`) are removed when the given environment lacks them.
 * @throws ListenFdsError `'EUNSUPPORTED'` when more than 6 sockets are passed and no bash exists.
 */
export function preExec(pipeFd: number, env: NodeJS.ProcessEnv): PreExec {
  if (!Number.isInteger(pipeFd) || pipeFd < 3) throw new RangeError(`pipe fd ${pipeFd}`);
  let shell = '/bin/sh';
  if (pipeFd > 9) {
    const bash = ['/bin/bash', '/usr/bin/bash'].find(executable);
    if (bash === undefined) {
      throw new ListenFdsError(
        `passing ${pipeFd - 3} sockets needs bash for the pre-exec step (/bin/sh redirects only fds 0..9), and none was found`,
        'EUNSUPPORTED',
      );
    }
    shell = bash;
  }
  const lines = [
    'LISTEN_PID=$$',
    'export LISTEN_PID',
    // The parent writes the id (or an empty line when the kernel has none) and a newline; EOF
    // without one means it gave up, and the program must not start.
    `read -r LISTEN_PIDFDID <&${pipeFd} || exit 125`,
    `exec ${pipeFd}<&-`,
    'if [ -n "$LISTEN_PIDFDID" ]; then export LISTEN_PIDFDID; else unset LISTEN_PIDFDID; fi',
  ];
  if (env.PWD === undefined) lines.push('unset PWD');
  if (env.SHLVL === undefined) lines.push('unset SHLVL');
  lines.push('exec "$@"');
  return { shell, script: lines.join('\n') };
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
