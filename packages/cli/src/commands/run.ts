import { spawnGroup, type ProcessGroup } from '@pg/core';
import { flag, parseCommandLine, stringOption, type OptionSpec } from '../argv.js';
import type { Command } from '../command.js';
import { runInForeground } from '../foreground.js';
import { FORWARDED_SIGNALS, SignalForwarder } from '../forward-signals.js';
import { printJson, warn, showHelp } from '../output.js';
import { BACKEND_HELP, backendOption, commandOf, limitsOption, spawnFailureCode, spawnOptionSpec, stopTimeoutOption } from '../spawn-options.js';

const spec = {
  ...spawnOptionSpec,
  name: { type: 'string' },
  detach: { type: 'boolean', short: 'd' },
  keep: { type: 'boolean' },
  json: { type: 'boolean' },
  'limit-pids': { type: 'string' },
  'limit-memory': { type: 'string' },
} as const satisfies OptionSpec;

const help = `Usage: pg run [options] [--] CMD [ARGS...]

Runs CMD as the leader of a new process group.

In the foreground, stdio is shared; SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and
SIGWINCH are forwarded to every member of the group; when the leader exits, what is left of the
group is stopped (SIGTERM, then SIGKILL after --stop-timeout) and pg exits with the leader's
status: its exit code, or 128+N if signal N killed it.

The group dies with pg, even if pg itself is killed with SIGKILL, on backends that can
(reaper; see pg doctor); --keep and --detach leave it running.

With --detach, pg prints the group's id on one line and returns while the group runs on, its
stdio connected to /dev/null. Use the id (or --name) with pg ps and pg kill.

Options:
  ${BACKEND_HELP}
  --name NAME          name the group (A-Z a-z 0-9 . _ : + @ -; at most 64)
  -d, --detach         start the group and print its id
  --keep               leave the rest of the group running when the leader (or pg) exits
  --stop-timeout MS    milliseconds between SIGTERM and SIGKILL when stopping (default 5000)
  --limit-pids N       at most N processes in the group (cgroup backend with the pids controller)
  --limit-memory SIZE  memory limit, e.g. 512M, 2G (cgroup backend with the memory controller)
  --json               with --detach: print {"id","backend","pid"} instead of the id
  -h, --help           show this help

Exit status: the leader's (foreground); 0 once started (--detach); 126 cannot execute CMD;
127 CMD not found; 1 failure; 2 usage error.`;

/** `pg run`: a command as a group, in the foreground or detached. */
export const runCommand: Command = {
  name: 'run',
  help,
  async run(argv, io) {
    const line = parseCommandLine(argv, spec, true);
    if (flag(line, 'help')) return showHelp(io, help);
    const [file, args] = commandOf(line);
    const detach = flag(line, 'detach');
    const options = {
      backend: backendOption(line),
      name: stringOption(line, 'name'),
      limits: limitsOption(line),
      stopTimeout: stopTimeoutOption(line),
    };
    if (detach) {
      let group: ProcessGroup;
      try {
        group = await spawnGroup(file, args, { ...options, stdio: 'ignore', onOwnerExit: 'keep' });
      } catch (error) {
        const code = spawnFailureCode(error);
        if (code === undefined) throw error;
        warn(io, (error as Error).message);
        return code;
      }
      if (flag(line, 'json')) printJson(io, { id: group.id, backend: group.backend, pid: group.leader?.pid });
      else io.stdout.write(`${group.id}\n`);
      // The group outlives pg: let go of it so Node does not wait for it.
      group.unref();
      return 0;
    }
    // Signal handlers go in before the spawn, so no signal that reaches pg meanwhile is lost or kills pg.
    const forwarder = new SignalForwarder(FORWARDED_SIGNALS, (error, signal) =>
      warn(io, `could not forward ${signal} to the group: ${(error as Error).message}`),
    );
    const keep = flag(line, 'keep');
    return runInForeground(io, () => spawnGroup(file, args, { ...options, stdio: 'inherit', ...(keep ? { onOwnerExit: 'keep' as const } : {}) }), {
      forwarder,
      stopTimeout: options.stopTimeout,
      keep,
    });
  },
};
