import { flag, onePositional, parseCommandLine, type OptionSpec } from '../argv.js';
import type { Command } from '../command.js';
import { openGroupRef } from '../group-ref.js';
import { printJson, printLines, showHelp } from '../output.js';
import { renderTree } from '../tree-view.js';
import { formatBytes } from '../units.js';

const spec = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const satisfies OptionSpec;

const help = `Usage: pg ps GROUP [--json]

Lists the live members of GROUP as a tree by parent (like ptree -c), with the group's figures
where its backend has them (memory, cpu, pids). GROUP is the id pg run --detach printed, or the
--name it was given. Zombies awaiting reaping are not members.

Options:
  --json      print [{ "pid", "ppid", "command" }]
  -h, --help  show this help

Exit status: 0 ok; 1 failure; 2 unknown group or usage error.`;

/** `pg ps`: the members of a group. */
export const psCommand: Command = {
  name: 'ps',
  help,
  async run(argv, io) {
    const line = parseCommandLine(argv, spec, false);
    if (flag(line, 'help')) return showHelp(io, help);
    // Listing is read-only: any cgroup may be shown, pg's or not.
    const group = await openGroupRef(onePositional(line, 'GROUP'), { force: true });
    const members = await group.members();
    if (flag(line, 'json')) {
      printJson(io, members.map(({ pid, ppid, command }) => ({ pid, ppid, command })));
      return 0;
    }
    const stats = await group.stats();
    const figures = [
      `${members.length} member${members.length === 1 ? '' : 's'}`,
      stats.memoryBytes === undefined ? undefined : `memory ${formatBytes(stats.memoryBytes)}`,
      stats.cpuUsageMicros === undefined ? undefined : `cpu ${(stats.cpuUsageMicros / 1e6).toFixed(2)} s`,
      stats.pids === undefined ? undefined : `pids ${stats.pids}`,
    ].filter((f) => f !== undefined);
    printLines(io, [`group ${group.id} (${group.backend}): ${figures.join(', ')}`, ...renderTree(members)]);
    return 0;
  },
};
