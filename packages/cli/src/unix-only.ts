/**
 * The commands that need what Windows does not have, and why, in the words `pg` prints there:
 * `init` is a PID 1 (it reaps orphans and forwards signals), `activate` and `fds` pass and read
 * listening sockets as inherited descriptors 3, 4, … (docs/windows.md, "The pg command").
 */
const UNIX_ONLY: Readonly<Record<string, string>> = {
  init: 'it is a container PID 1 that reaps orphans and forwards signals, and Windows has neither; use pg run, whose job object ends the whole tree',
  activate: 'socket activation passes listening sockets as inherited file descriptors 3, 4, …, which Windows processes do not have',
  fds: 'it reads sockets passed as inherited file descriptors 3, 4, … by socket activation, which Windows processes do not have',
};

/** Why `command` cannot run on `platform`, or undefined when it can. */
export function unixOnlyReason(command: string, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform !== 'win32') return undefined;
  const why = UNIX_ONLY[command];
  return why === undefined ? undefined : `pg ${command} is Unix-only: ${why}`;
}
