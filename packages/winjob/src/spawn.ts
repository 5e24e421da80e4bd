import type { Socket } from 'node:net';
import { win32 } from './ffi.js';
import { callError, WinJobError } from './errors.js';
import { batchCommandLine, executableCommandLine, isBatchFile } from './command-line.js';
import { Create, decodeProcessInformation, encodeStartupInfo, environmentBlock, PROCESS_INFORMATION_SIZE, wide } from './layout.js';
import { prepareStdio, type StdioEntry } from './stdio.js';
import type { Job } from './job.js';

/** How to start a process inside a job. */
export interface SpawnInJobOptions {
  /** Absolute path of the executable, or of a `.cmd`/`.bat` script (run through `cmd.exe`). */
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /** The complete environment; this process's when absent. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** stdin, stdout, stderr. Default all `'pipe'`. */
  readonly stdio?: readonly [StdioEntry, StdioEntry, StdioEntry];
  /**
   * CREATE_NEW_PROCESS_GROUP: the child leads a console process group of its own, so a
   * CTRL_BREAK_EVENT can be sent to it (and its console descendants) alone. Default true.
   */
  readonly newProcessGroup?: boolean;
}

/** A process started inside a job: its pid, a handle to it, and this process's end of its pipes. */
export interface JobProcess {
  readonly pid: number;
  /** The process HANDLE (PROCESS_ALL_ACCESS from CreateProcessW); close it with `closeProcess`. */
  readonly handle: number;
  readonly stdin: Socket | null;
  readonly stdout: Socket | null;
  readonly stderr: Socket | null;
}

/**
 * Starts a process that is a member of `job` before it runs its first instruction: CreateProcessW
 * with CREATE_SUSPENDED (its first thread has not run, not even the loader), then
 * AssignProcessToJobObject, then ResumeThread. If the assignment fails the process is terminated
 * before it ever ran. A `.cmd`/`.bat` file runs as `%ComSpec% /d /s /c "…"` with arguments
 * escaped for cmd.exe (command-line.ts), because Windows cannot start a script without it.
 */
export async function spawnInJob(job: Job, options: SpawnInJobOptions): Promise<JobProcess> {
  const { kernel32 } = win32();
  const env = options.env ?? process.env;
  const batch = isBatchFile(options.file);
  const comspec = env.ComSpec ?? env.COMSPEC ?? `${env.SystemRoot ?? env.SYSTEMROOT ?? 'C:\\Windows'}\\System32\\cmd.exe`;
  const application = batch ? comspec : options.file;
  const line = batch ? batchCommandLine(comspec, options.file, options.args) : executableCommandLine(options.file, options.args);
  const stdio = await prepareStdio(options.stdio ?? ['pipe', 'pipe', 'pipe']);
  const info = Buffer.alloc(PROCESS_INFORMATION_SIZE);
  let flags = Create.Suspended | Create.UnicodeEnvironment;
  if (options.newProcessGroup !== false) flags |= Create.NewProcessGroup;
  // bInheritHandles: the child gets every inheritable handle of this process. libuv and Node open
  // their handles non-inheritable; the only inheritable ones are the three stdio.ts made just now,
  // and this runs synchronously on the main thread, so no other spawn can see them.
  const ok = kernel32.CreateProcessW(
    application,
    wide(line),
    null,
    null,
    1,
    flags,
    environmentBlock(env),
    options.cwd ?? null,
    encodeStartupInfo(...stdio.handles),
    info,
  );
  const error = ok === 0 ? kernel32.GetLastError() : 0;
  stdio.release();
  if (ok === 0) {
    await discard(stdio.streams);
    throw callError('CreateProcessW', error, options.file);
  }
  const created = decodeProcessInformation(info);
  try {
    job.assign(created.process);
  } catch (cause) {
    // It never ran: end it and report why it could not be placed.
    kernel32.TerminateProcess(created.process, 1);
    kernel32.CloseHandle(created.thread);
    kernel32.CloseHandle(created.process);
    await discard(stdio.streams);
    throw cause;
  }
  const resumed = kernel32.ResumeThread(created.thread);
  const resumeError = resumed === 0xffff_ffff ? kernel32.GetLastError() : 0;
  kernel32.CloseHandle(created.thread);
  if (resumed === 0xffff_ffff) {
    job.terminate(1);
    kernel32.CloseHandle(created.process);
    await discard(stdio.streams);
    throw callError('ResumeThread', resumeError);
  }
  const [stdin, stdout, stderr] = await Promise.all(stdio.streams);
  return { pid: created.pid, handle: created.process, stdin: stdin ?? null, stdout: stdout ?? null, stderr: stderr ?? null };
}

async function discard(streams: readonly (Promise<Socket> | null)[]): Promise<void> {
  const sockets = await Promise.allSettled(streams.filter((s): s is Promise<Socket> => s !== null));
  for (const s of sockets) if (s.status === 'fulfilled') s.value.destroy();
}

/** The exit code of a process by its handle; undefined while it runs (STILL_ACTIVE). */
export function exitCodeOf(handle: number): number | undefined {
  const { kernel32 } = win32();
  const code = Buffer.alloc(4);
  if (kernel32.GetExitCodeProcess(handle, code) === 0) throw callError('GetExitCodeProcess', kernel32.GetLastError());
  const value = code.readUInt32LE(0);
  // STILL_ACTIVE (259) is also a legal exit code; a signalled process handle settles it.
  if (value === 259 && kernel32.WaitForSingleObject(handle, 0) !== 0) return undefined;
  return value;
}

/** Closes a process handle from `spawnInJob`. */
export function closeProcess(handle: number): void {
  if (handle === 0) throw new WinJobError('no process handle to close', 'EBADF');
  win32().kernel32.CloseHandle(handle);
}

/**
 * TerminateProcess of one process (not its job): it ends with `exitCode`. Terminating a process
 * that has already exited is not an error.
 */
export function terminateProcess(handle: number, exitCode: number): void {
  const { kernel32 } = win32();
  if (kernel32.TerminateProcess(handle, exitCode) !== 0) return;
  const error = kernel32.GetLastError();
  // ERROR_ACCESS_DENIED is what Windows answers for a process that has already exited.
  if (error === 5 && exitCodeOf(handle) !== undefined) return;
  throw callError('TerminateProcess', error);
}
