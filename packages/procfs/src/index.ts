/**
 * `@pg/procfs`: the one reader of Linux's /proc process files in pg (proc(5)). It parses
 * `/proc/PID/stat` (fields counted after the last `)`, since the command name may hold any
 * byte), lists every process without missing one forked during the scan, walks children and
 * descendants through `/proc/PID/task/TID/children`, and reads command lines; `readKernelFile`
 * reads any pseudo-file (/proc, cgroupfs) into one reused buffer. `identityOf`/`isAlive` are the
 * one way pg names a process for the boot (pid plus pidfd id or start time) and tells whether it
 * still runs. No dependencies; Linux only (everything but `parseStat` and `readKernelFile` throws `'EUNSUPPORTED'` elsewhere).
 */
export { parseStat, readStat, startTimeOf, stateOf, ticksSinceBoot, type ProcStat } from './stat.js';
export { processTable } from './table.js';
export { childrenOf, descendantsOf, descendantStats } from './children.js';
export { commandLineOf } from './cmdline.js';
export { readKernelFile } from './read.js';
export { formatIdentity, identityOf, isAlive, isIdentityToken, parseIdentity, type PidfdIdLookup, type ProcessIdentity } from './identity.js';
