import { spawnGroup, type ProcessGroup } from '@pg/core';
import { findHelper } from '@pg/helper';
import { PidfdError, setChildSubreaper } from '@pg/pidfd';
import { flag, parseCommandLine, type OptionSpec } from '../argv.js';
import type { Command } from '../command.js';
import { describeExit } from '../exit-status.js';
import { runInForeground } from '../foreground.js';
import { FORWARDED_SIGNALS, SignalForwarder } from '../forward-signals.js';
import { markOwned, trackOwnedChildren } from '../init/owned-children.js';
import { OrphanReaper } from '../init/reaper.js';
import { warn, type Io, showHelp } from '../output.js';
import { BACKEND_HELP, backendOption, commandOf, spawnOptionSpec, stopTimeoutOption } from '../spawn-options.js';

const spec = { ...spawnOptionSpec, verbose: { type: 'boolean', short: 'v' } } as const satisfies OptionSpec;

const help = `Usage: pg init [options] [--] CMD [ARGS...]

An init for containers (like tini): runs CMD as the leader of a process group, reaps every
orphan that reparents to it, forwards SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and
SIGWINCH to every member of the group (not only the leader), and when the leader exits stops
the rest of the group (SIGTERM, then SIGKILL after --stop-timeout) and exits with the leader's
status: its exit code, or 128+N if signal N killed it.

Works as PID 1 of a PID namespace (a container's entrypoint, or unshare --pid --fork) and as an
ordinary process; on Linux it makes itself a child subreaper, so orphans of the group reparent
to it rather than to the host's init.

The pg command runs this as pg-helper, a small C program (about 1 MB resident, like tini), when
it is built and only --stop-timeout is given: the group is then every descendant of init (it is
the subreaper), and signals go to each of them. With --backend or --verbose, or without
pg-helper, this Node init runs instead (tens of MB), with the group on the chosen backend.

Options:
  ${BACKEND_HELP}
  --stop-timeout MS    milliseconds between SIGTERM and SIGKILL when stopping (default 5000)
  -v, --verbose        report each reaped orphan and forwarded signal on stderr
  -h, --help           show this help

Exit status: the leader's; 126 cannot execute CMD; 127 CMD not found; 1 failure; 2 usage error.`;

/** `pg init`: a container init that knows its whole group. */
export const initCommand: Command = {
  name: 'init',
  help,
  async run(argv, io) {
    const line = parseCommandLine(argv, spec, true);
    if (flag(line, 'help')) return showHelp(io, help);
    const [file, args] = commandOf(line);
    const backend = backendOption(line);
    const stopTimeout = stopTimeoutOption(line);
    const verbose = flag(line, 'verbose');
    // The `pg` command runs `pg init` as pg-helper (about 1 MB) when it can; say why this is the
    // Node init (about 50 MB) when the helper is what is missing.
    const helper = findHelper();
    if (!helper.ok && process.platform === 'linux') warn(io, `running the Node init (tens of MB resident): ${helper.reason}`);
    becomeSubreaper(io);
    // Before anything is spawned, so every child_process child is known and never reaped here.
    trackOwnedChildren();
    const reaper = new OrphanReaper(
      (r) => verbose && warn(io, `reaped orphan ${r.pid} (${r.signal ?? `exit ${r.exitCode}`})`),
      (error) => warn(io, `cannot reap orphans, they will stay zombies: ${(error as Error).message}`),
    );
    // Handlers first: as PID 1, a signal without a handler is simply dropped by the kernel.
    const forwarder = new SignalForwarder(
      FORWARDED_SIGNALS,
      (error, signal) => warn(io, `could not forward ${signal}: ${(error as Error).message}`),
      (signal) => verbose && warn(io, `forwarding ${signal} to the group`),
    );
    reaper.start();
    return runInForeground(io, () => spawnGroup(file, args, { backend, stdio: 'inherit' }), {
      forwarder,
      stopTimeout,
      started: (group) => markOwned((group.leader as NonNullable<ProcessGroup['leader']>).pid),
      leaderExited: (exit, group) => {
        if (verbose) warn(io, `leader ${group.leader?.pid} ${describeExit(exit)}; stopping the rest of group ${group.id}`);
      },
      finished: () => {
        reaper.reapAll();
        reaper.stop();
      },
    });
  },
};

/**
 * PR_SET_CHILD_SUBREAPER: orphans of the group reparent to us instead of the host's init, so
 * they are reaped here. PID 1 of a namespace gets them anyway; elsewhere (not Linux, no FFI)
 * pg init still forwards and stops, and says what it cannot do.
 */
function becomeSubreaper(io: Io): void {
  if (process.platform !== 'linux') return;
  try {
    setChildSubreaper(true);
  } catch (error) {
    if (process.pid !== 1) {
      warn(io, `cannot become a child subreaper (${PidfdError.isInstance(error) ? error.code : String(error)}): orphans will reparent to the host's init`);
    }
  }
}
