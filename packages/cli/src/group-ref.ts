import { GroupGoneError, InvalidOptionError, listGroups, openGroup, RefusedGroupError, type GroupInfo, type ProcessGroup } from '@pg/core';
import { UsageError } from './usage-error.js';

/**
 * Opens the group a user named on the command line: the id `pg run --detach` printed, or the
 * `--name` it was given. `@pg/core` has no lookup by name, so names are matched against
 * `listGroups()`. An unknown group, an ambiguous name, a group holding PID 1 or pg itself, or a
 * group pg did not create (unless `force`) is a `UsageError`: nothing is touched.
 */
export async function openGroupRef(ref: string, options: { force?: boolean } = {}): Promise<ProcessGroup> {
  if (ref === '' || ref.includes('\0')) throw new UsageError(`bad group ${JSON.stringify(ref)}`);
  const known = await listGroups();
  const match = pick(ref, known);
  try {
    return await openGroup(match?.id ?? ref, { force: options.force === true, ...(match === undefined ? {} : { backend: match.backend }) });
  } catch (error) {
    if (GroupGoneError.isInstance(error)) {
      throw new UsageError(`no group ${JSON.stringify(ref)}: no group has that id or name`);
    }
    if (InvalidOptionError.isInstance(error)) throw new UsageError(`no group ${JSON.stringify(ref)}: ${error.message}`);
    if (RefusedGroupError.isInstance(error)) throw new UsageError(error.message.replace('pass force: true (pg: --force)', 'pass --force'));
    throw error;
  }
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
