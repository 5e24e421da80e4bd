import { GroupGoneError, InvalidOptionError, listGroups, openGroup, type GroupInfo, type ProcessGroup } from '@pg/core';
import { UsageError } from './usage-error.js';

/**
 * Opens the group a user named on the command line: the id `pg run --detach` printed, or the
 * `--name` it was given. `@pg/core` has no lookup by name, so names are matched against
 * `listGroups()` (only backends that can list their groups, i.e. not posix). An unknown group,
 * an ambiguous name, or a group holding PID 1 or pg itself is a `UsageError`: nothing is touched.
 */
export async function openGroupRef(ref: string): Promise<ProcessGroup> {
  if (ref === '' || ref.includes('\0')) throw new UsageError(`bad group ${JSON.stringify(ref)}`);
  const known = await listGroups();
  const match = pick(ref, known);
  let group: ProcessGroup;
  try {
    group = await openGroup(match?.id ?? ref, match === undefined ? {} : { backend: match.backend });
  } catch (error) {
    if (GroupGoneError.isInstance(error)) {
      throw new UsageError(`no group ${JSON.stringify(ref)}: no group has that id or name`);
    }
    if (error instanceof InvalidOptionError) throw new UsageError(`no group ${JSON.stringify(ref)}: ${error.message}`);
    throw error;
  }
  await refuseOwnSession(group, ref);
  return group;
}

function pick(ref: string, known: readonly GroupInfo[]): GroupInfo | undefined {
  const byId = known.find((g) => g.id === ref);
  if (byId !== undefined) return byId;
  const byName = known.filter((g) => g.name === ref);
  if (byName.length > 1) {
    throw new UsageError(`name ${JSON.stringify(ref)} matches ${byName.length} groups (${byName.map((g) => g.id).join(', ')}): give the id`);
  }
  return byName[0];
}

/**
 * A posix group id is a session id, and any number names one: `pg kill 1` would otherwise reach
 * init's session, and the id of the shell's session would reach pg itself.
 */
async function refuseOwnSession(group: ProcessGroup, ref: string): Promise<void> {
  const members = await group.members();
  const holds = members.find((m) => m.pid === 1 || m.pid === process.pid);
  if (holds !== undefined) {
    throw new UsageError(`refusing group ${JSON.stringify(ref)}: it contains ${holds.pid === 1 ? 'PID 1' : 'pg itself'}`);
  }
}
