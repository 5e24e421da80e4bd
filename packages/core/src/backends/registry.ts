import type { Backend, BackendName } from '../backend.js';

/**
 * Every backend, strongest first, each behind a lazy import: importing `@pg/core` never loads
 * koffi, libcontract or cgroup code; a backend's module is loaded the first time it is probed.
 */
export const backendLoaders: Readonly<Record<BackendName, () => Promise<Backend>>> = {
  cgroup: async () => (await import('./cgroup/index.js')).cgroupBackend,
  contract: async () => (await import('./contract/index.js')).contractBackend,
  job: async () => (await import('./job/index.js')).jobBackend,
  reaper: async () => (await import('./reaper/index.js')).reaperBackend,
  posix: async () => (await import('./posix/index.js')).posixBackend,
};
