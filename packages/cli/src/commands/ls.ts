import { listGroups } from '@pg/core';
import { flag, noPositionals, parseCommandLine, type OptionSpec } from '../argv.js';
import type { Command } from '../command.js';
import { printJson, printLines, table, showHelp } from '../output.js';

const spec = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const satisfies OptionSpec;

const help = `Usage: pg ls [--json]

Lists the groups pg created on this host: id, backend, name, member count, the pid of the
process that created it, and whether that process is gone (orphaned; pg kill reclaims it).
An orphaned group with no member left (its creator died before starting anything in it) is
marked "orphaned, empty": pg prune removes those.

Options:
  --json      print [{ "id", "backend", "name", "ownerPid", "orphaned", "memberCount" }]
  -h, --help  show this help

Exit status: 0 ok; 1 failure; 2 usage error.`;

/** `pg ls`: the groups on this host. */
export const lsCommand: Command = {
  name: 'ls',
  help,
  async run(argv, io) {
    const line = parseCommandLine(argv, spec, false);
    if (flag(line, 'help')) return showHelp(io, help);
    noPositionals(line);
    const groups = await listGroups();
    if (flag(line, 'json')) {
      printJson(io, groups.map(({ id, backend, name, ownerPid, orphaned, memberCount }) => ({ id, backend, name: name ?? null, ownerPid: ownerPid ?? null, orphaned, memberCount })));
      return 0;
    }
    if (groups.length === 0) {
      printLines(io, ['no groups']);
      return 0;
    }
    const rows = groups.map((g) => [
      g.id,
      g.backend,
      g.name ?? '-',
      String(g.memberCount),
      g.ownerPid === undefined ? '-' : String(g.ownerPid),
      g.orphaned ? (g.memberCount === 0 ? 'orphaned, empty' : 'orphaned') : 'owned',
    ]);
    printLines(io, table([['ID', 'BACKEND', 'NAME', 'MEMBERS', 'OWNER', 'STATE'], ...rows]));
    return 0;
  },
};
