import type { CommandEntry } from '../command.js';

/**
 * Every command, in the order `pg --help` lists them, each behind a dynamic import: a command
 * loads only its own module and what that imports (`pg fds` never loads `@pg/core`, `pg --help`
 * loads no package at all). The summaries live here, not in the modules, for that reason.
 */
export const commands: readonly CommandEntry[] = [
  { name: 'run', summary: 'run a command as a new process group (foreground or --detach)', load: async () => (await import('./run.js')).runCommand },
  { name: 'ps', summary: 'list the members of a group as a tree', load: async () => (await import('./ps.js')).psCommand },
  { name: 'kill', summary: 'stop a group (TERM, wait, KILL), or send it a signal', load: async () => (await import('./kill.js')).killCommand },
  { name: 'ls', summary: 'list the groups pg created on this host', load: async () => (await import('./ls.js')).lsCommand },
  { name: 'prune', summary: 'remove empty orphaned groups (--dry-run shows them)', load: async () => (await import('./prune.js')).pruneCommand },
  { name: 'doctor', summary: 'show which backends and kernel features work here, and why', load: async () => (await import('./doctor.js')).doctorCommand },
  { name: 'init', summary: 'run a command as a container init: reap orphans, forward signals to the group', load: async () => (await import('./init.js')).initCommand },
  { name: 'activate', summary: 'run a command socket-activated (sockets at fds 3.., LISTEN_* set)', load: async () => (await import('./activate.js')).activateCommand },
  { name: 'fds', summary: 'show the sockets this process was passed by socket activation', load: async () => (await import('./fds.js')).fdsCommand },
];
