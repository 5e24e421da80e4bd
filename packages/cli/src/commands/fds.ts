import { describeFd, listenFds, type FdDescription } from '@pg/listen-fds';
import { flag, noPositionals, parseCommandLine, type OptionSpec } from '../argv.js';
import type { Command } from '../command.js';
import { printJson, printLines, table, showHelp } from '../output.js';

const spec = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const satisfies OptionSpec;

const help = `Usage: pg fds [--json]

The receiving side of socket activation, for checking what a process was passed: reads
LISTEN_FDS, LISTEN_FDNAMES, LISTEN_PID and LISTEN_PIDFDID exactly as sd_listen_fds_with_names()
does (the descriptors count only if LISTEN_PID is this process and, when set, LISTEN_PIDFDID is
this process's pidfd id), and describes each descriptor: socket family, type, whether it
listens, its local address.

Run it as the activated command: pg activate -l 8080 -- pg fds

Options:
  --json      print { "listenPid", "listenPidfdId", "fds": [{ fd, name, kind, family, type, listening, local }] }
  -h, --help  show this help

Exit status: 0 (also when nothing was passed: "fds" is then empty); 1 when the variables are
malformed; 2 usage error.`;

/** `pg fds`: what socket activation passed to this process. */
export const fdsCommand: Command = {
  name: 'fds',
  help,
  async run(argv, io) {
    const line = parseCommandLine(argv, spec, false);
    if (flag(line, 'help')) return showHelp(io, help);
    noPositionals(line);
    // Read before listenFds() unsets them, to show what the activator set.
    const listenPid = process.env.LISTEN_PID ?? null;
    const listenPidfdId = process.env.LISTEN_PIDFDID ?? null;
    const fds = listenFds({ unsetEnvironment: true }).map(({ fd, name }) => ({ name, ...describeFd(fd) }));
    if (flag(line, 'json')) {
      printJson(io, { listenPid, listenPidfdId, fds });
      return 0;
    }
    if (fds.length === 0) {
      printLines(io, [listenPid === null ? 'no sockets passed (LISTEN_PID is not set)' : `no sockets passed to this process (LISTEN_PID=${listenPid}, this is ${process.pid})`]);
      return 0;
    }
    printLines(io, table([['FD', 'NAME', 'WHAT', 'ADDRESS'], ...fds.map((d) => [String(d.fd), d.name, what(d), address(d)])]));
    return 0;
  },
};

function what(d: FdDescription): string {
  if (d.kind !== 'socket') return d.kind;
  return `${d.family} ${d.type}${d.listening ? ' listening' : ''}`;
}

function address(d: FdDescription): string {
  return d.kind === 'socket' ? (d.local ?? '(unnamed)') : (d.target ?? '-');
}
