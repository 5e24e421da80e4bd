import { DEFAULT_STOP_TIMEOUT_MS, GroupGoneError, InvalidOptionError, signalNumber } from '@pg/core';
import { flag, onePositional, parseCommandLine, stringOption, type OptionSpec } from '../argv.js';
import type { Command } from '../command.js';
import { openGroupRef } from '../group-ref.js';
import { showHelp } from '../output.js';
import { parseMilliseconds } from '../units.js';
import { UsageError } from '../usage-error.js';

const spec = {
  signal: { type: 'string', short: 's' },
  timeout: { type: 'string', short: 't' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

const help = `Usage: pg kill GROUP [--signal SIG] [--timeout MS] [--force]

Without --signal: a graceful stop. SIGTERM (and SIGCONT) to every member, wait up to --timeout
milliseconds (default 5000) for the group to empty, then SIGKILL what is left; returns once the
group is empty and what it created (a cgroup directory) is removed.

With --signal: delivers SIG (a name such as TERM or SIGHUP, or a number) to every member and
returns at once.

GROUP is the id pg run --detach printed, or the --name it was given. A cgroup pg did not
create (a system service's, say /system.slice/ssh.service) is refused unless --force is given:
a typo must not end a system service. A group that holds PID 1 or pg itself is always refused.

Options:
  -s, --signal SIG   the signal to deliver instead of stopping
  -t, --timeout MS   grace period before SIGKILL when stopping (default 5000)
  --force            act on a group pg did not create
  -h, --help         show this help

Exit status: 0 ok; 1 failure; 2 unknown group, bad signal or usage error.`;

/** `pg kill`: stop a group, or signal all of it. */
export const killCommand: Command = {
  name: 'kill',
  help,
  async run(argv, io) {
    const line = parseCommandLine(argv, spec, false);
    if (flag(line, 'help')) return showHelp(io, help);
    const ref = onePositional(line, 'GROUP');
    const sig = stringOption(line, 'signal');
    // Check every argument before touching the group.
    const signal = sig === undefined ? undefined : checkedSignal(sig);
    const t = stringOption(line, 'timeout');
    const timeout = t === undefined ? DEFAULT_STOP_TIMEOUT_MS : parseMilliseconds(t, '--timeout');
    const group = await openGroupRef(ref, { force: flag(line, 'force') });
    try {
      if (signal === undefined) await group.stop({ timeout });
      else await group.signal(signal);
    } catch (error) {
      // Removed by someone else (another `pg kill`) between the open and now: the group is
      // gone, which is what was asked.
      if (!GroupGoneError.isInstance(error)) throw error;
    }
    return 0;
  },
};

function checkedSignal(text: string): number {
  try {
    return signalNumber(text);
  } catch (error) {
    if (InvalidOptionError.isInstance(error)) throw new UsageError(`bad signal ${JSON.stringify(text)} (expected a name such as TERM or SIGHUP, or a number)`);
    throw error;
  }
}
