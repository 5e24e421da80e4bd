import { spawnGroup, type ProcessGroup } from '@pg/core';
import { activate, isValidFdName, parseListenAddress, type ActivationSocket } from '@pg/listen-fds';
import { flag, parseCommandLine, stringsOption, type OptionSpec } from '../argv.js';
import type { Command } from '../command.js';
import { runInForeground } from '../foreground.js';
import { FORWARDED_SIGNALS, SignalForwarder } from '../forward-signals.js';
import { warn, showHelp } from '../output.js';
import { BACKEND_HELP, backendOption, commandOf, spawnOptionSpec, stopTimeoutOption } from '../spawn-options.js';
import { UsageError } from '../usage-error.js';

const spec = {
  ...spawnOptionSpec,
  listen: { type: 'string', short: 'l', multiple: true },
  fdname: { type: 'string', multiple: true },
} as const satisfies OptionSpec;

const help = `Usage: pg activate -l ADDR [-l ADDR...] [--fdname NAME[:NAME...]] [--] CMD [ARGS...]

The sending side of systemd socket activation (like systemd-socket-activate): opens each ADDR
as a listening socket, and runs CMD as the leader of a process group with the sockets at fds
3, 4, ... and LISTEN_FDS, LISTEN_FDNAMES, LISTEN_PID and LISTEN_PIDFDID set to CMD's own pid
and pidfd id (Linux 6.9+; without pidfs the last is not set). Then it behaves as pg run in the
foreground: signals are forwarded to the whole group, and pg exits with CMD's status.

ADDR: 8080 or :8080 (TCP, every address), 127.0.0.1:8080, [::1]:8080, /run/app.sock (Unix
stream), @name (abstract), or with a tcp:, udp:, unix:, unix-dgram: or unix-seqpacket: prefix.
Port 0 picks a free port.

Options:
  -l, --listen ADDR    a socket to pass (repeat for more; fd 3 is the first)
  --fdname NAME        the sockets' names in order, repeated or joined by ":" (default "unknown")
  ${BACKEND_HELP}
  --stop-timeout MS    milliseconds between SIGTERM and SIGKILL when stopping (default 5000)
  -h, --help           show this help

Exit status: CMD's (128+N for signal N; 127 when CMD is not found); 1 failure (an address in
use, say); 2 usage error (a bad address or name).`;

/** `pg activate`: start a program socket-activated, as a group. */
export const activateCommand: Command = {
  name: 'activate',
  help,
  async run(argv, io) {
    const line = parseCommandLine(argv, spec, true);
    if (flag(line, 'help')) return showHelp(io, help);
    const addresses = stringsOption(line, 'listen');
    if (addresses.length === 0) throw new UsageError('give at least one -l ADDR');
    for (const a of addresses) {
      try {
        parseListenAddress(a);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    }
    const names = stringsOption(line, 'fdname').flatMap((n) => n.split(':'));
    if (names.length > addresses.length) throw new UsageError(`${names.length} names for ${addresses.length} sockets`);
    const bad = names.find((n) => !isValidFdName(n));
    if (bad !== undefined) throw new UsageError(`bad --fdname ${JSON.stringify(bad)} (at most 255 printable characters, no ":")`);
    const [file, args] = commandOf(line);
    const backend = backendOption(line);
    const stopTimeout = stopTimeoutOption(line);
    const sockets: ActivationSocket[] = addresses.map((a, i) => ({ socket: a, name: names[i] ?? 'unknown' }));

    const forwarder = new SignalForwarder(FORWARDED_SIGNALS, (error, signal) => warn(io, `could not forward ${signal}: ${(error as Error).message}`));
    // The group's leader is activate()'s pre-exec step, which execs CMD: LISTEN_PID is its pid.
    const start = async (): Promise<ProcessGroup> => {
      const activation = await activate(file, args, {
        sockets,
        stdio: 'inherit',
        spawn: (f, a, o) => spawnGroup(f, a, { backend, env: o.env, cwd: o.cwd, stdio: o.stdio }),
      });
      return activation.child;
    };
    return runInForeground(io, start, { forwarder, stopTimeout });
  },
};
