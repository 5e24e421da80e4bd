/**
 * `@pg/listen-fds`: systemd socket activation for Node, both sides. Linux only.
 * Receiving: {@link listenFds} reproduces libsystemd's `sd_listen_fds_with_names()` and adds the
 * `LISTEN_PIDFDID` identity check (systemd v259); {@link listenServer} and {@link bindDgram} adopt
 * a passed socket. Sending: {@link activate} starts a program with sockets and all four variables.
 * koffi is loaded on first use, never at import.
 */
export { ListenFdsError } from './errors.js';
export { listenFds, LISTEN_VARIABLES, type ListenFd, type ListenFdsOptions } from './receive.js';
export { LISTEN_FDS_START } from './parse.js';
export { listenServer, bindDgram, findListenFd } from './adopt.js';
export { describeFd, type FdDescription, type SocketDescription, type OtherFdDescription } from './describe.js';
export { parseListenAddress, formatListenAddress, type ListenAddress } from './address.js';
export { isValidFdName, FDNAME_MAX } from './names.js';
export { openListenSocket } from './open-socket.js';
export {
  activate,
  type Activation,
  type ActivateOptions,
  type SpawnAdapter,
  type SpawnAdapterOptions,
  type SpawnAdapterResult,
  type StdioEntry,
} from './activate.js';
export type { ActivationSocket, SocketSource } from './socket-specs.js';
