import { GroupGoneError, listGroups, openGroup } from '@pg/core';
import { flag, noPositionals, parseCommandLine, type OptionSpec } from '../argv.js';
import type { Command } from '../command.js';
import { printLines, showHelp, warn } from '../output.js';

const spec = { 'dry-run': { type: 'boolean', short: 'n' }, help: { type: 'boolean', short: 'h' } } as const satisfies OptionSpec;

const help = `Usage: pg prune [--dry-run]

Removes what empty orphaned groups left behind: a group whose creator is gone and which has no
member (pg ls marks it "orphaned, empty"), typically a cgroup directory made by a supervisor
that was killed before it started anything in it. Groups with members, and groups whose creator
still runs, are never touched.

Options:
  -n, --dry-run  only print what would be removed
  -h, --help     show this help

Exit status: 0 ok; 1 failure; 2 usage error.`;

/** `pg prune`: remove empty orphaned groups. */
export const pruneCommand: Command = {
  name: 'prune',
  help,
  async run(argv, io) {
    const line = parseCommandLine(argv, spec, false);
    if (flag(line, 'help')) return showHelp(io, help);
    noPositionals(line);
    const dryRun = flag(line, 'dry-run');
    const empty = (await listGroups()).filter((g) => g.orphaned && g.memberCount === 0);
    if (empty.length === 0) {
      printLines(io, ['nothing to prune']);
      return 0;
    }
    let failed = 0;
    for (const g of empty) {
      if (dryRun) {
        printLines(io, [`would remove ${g.id} (${g.backend}${g.name === undefined ? '' : `, ${g.name}`})`]);
        continue;
      }
      try {
        // An opened group that is empty is seen empty at once and closed: what pg created for
        // it (the cgroup directory) is removed.
        const group = await openGroup(g.id, { backend: g.backend });
        await group.empty;
        printLines(io, [`removed ${g.id}`]);
      } catch (error) {
        if (GroupGoneError.isInstance(error)) continue; // removed by someone else meanwhile
        warn(io, `could not remove ${g.id}: ${(error as Error).message}`);
        failed++;
      }
    }
    return failed === 0 ? 0 : 1;
  },
};
