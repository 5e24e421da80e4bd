/**
 * `@pg/winjob`: Win32 job objects for Node through koffi. koffi and kernel32 are loaded on first
 * use, never at import; on another platform every call throws WinJobError `'EUNSUPPORTED'`, and
 * when koffi cannot load, `'EFFI'`. 64-bit Windows (x64, arm64) only: the struct layouts are the
 * 64-bit ones. What runs under Wine and what only on Windows: the package README.
 */
export { WinJobError, win32Code } from './errors.js';
export { Job, type JobOptions, type JobLimits } from './job.js';
export { watchJob, type JobEvent } from './port.js';
export { spawnInJob, exitCodeOf, closeProcess, terminateProcess, type SpawnInJobOptions, type JobProcess } from './spawn.js';
export type { StdioEntry } from './stdio.js';
export { processSnapshot, commandLineOf, sendCtrlBreak, type ProcessEntry } from './processes.js';
export { quoteArgument, escapeForCmd, executableCommandLine, batchCommandLine, isBatchFile } from './command-line.js';
export { JobMessage, type Accounting } from './layout.js';
