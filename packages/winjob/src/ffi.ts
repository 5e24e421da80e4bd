// koffi declarations for the kernel32 calls @pg/winjob uses. Declarations only: no policy, no
// decisions. HANDLEs travel as numbers (`intptr_t`; kernel handles are small values), structs as
// Buffers laid out by layout.ts, strings as UTF-16. The last error is read by the callers right
// after each call (`GetLastError`), before any other Node API call can overwrite it.
import { createRequire } from 'node:module';
import { WinJobError } from './errors.js';

type Koffi = typeof import('koffi');
type Fn<A extends unknown[], R> = ((...args: A) => R) & { async: (...args: [...A, (error: unknown, result: R) => void]) => void };

/** The bound kernel32 functions. BOOL results are numbers (0 = failure, then `GetLastError`). */
export interface Kernel32 {
  CreateJobObjectW(attributes: Buffer | null, name: string | null): number;
  OpenJobObjectW(access: number, inherit: number, name: string): number;
  SetInformationJobObject(job: number, infoClass: number, info: Buffer, length: number): number;
  QueryInformationJobObject(job: number, infoClass: number, info: Buffer, length: number, returned: Buffer | null): number;
  AssignProcessToJobObject(job: number, process: number): number;
  TerminateJobObject(job: number, exitCode: number): number;
  IsProcessInJob(process: number, job: number, result: Buffer): number;
  CreateIoCompletionPort(file: number, existing: number, key: number, threads: number): number;
  /** Has `.async`: runs on libuv's thread pool, so a wait leaves the event loop free. */
  GetQueuedCompletionStatus: Fn<[port: number, bytes: Buffer, key: Buffer, overlapped: Buffer, ms: number], number>;
  PostQueuedCompletionStatus(port: number, bytes: number, key: number, overlapped: number): number;
  CreateProcessW(
    application: string | null,
    commandLine: Buffer,
    processAttributes: Buffer | null,
    threadAttributes: Buffer | null,
    inheritHandles: number,
    flags: number,
    environment: Buffer | null,
    cwd: string | null,
    startupInfo: Buffer,
    processInformation: Buffer,
  ): number;
  ResumeThread(thread: number): number;
  TerminateProcess(process: number, exitCode: number): number;
  OpenProcess(access: number, inherit: number, pid: number): number;
  GetExitCodeProcess(process: number, code: Buffer): number;
  WaitForSingleObject(handle: number, ms: number): number;
  CreateFileW(name: string, access: number, share: number, attributes: Buffer | null, disposition: number, flags: number, template: number): number;
  GetStdHandle(which: number): number;
  DuplicateHandle(sourceProcess: number, source: number, targetProcess: number, target: Buffer, access: number, inherit: number, options: number): number;
  GetCurrentProcess(): number;
  CloseHandle(handle: number): number;
  GenerateConsoleCtrlEvent(event: number, processGroupId: number): number;
  CreateToolhelp32Snapshot(flags: number, pid: number): number;
  Process32FirstW(snapshot: number, entry: Buffer): number;
  Process32NextW(snapshot: number, entry: Buffer): number;
  QueryFullProcessImageNameW(process: number, flags: number, name: Buffer, size: Buffer): number;
  GetLastError(): number;
}

/** ntdll calls with no kernel32 equivalent. Returns an NTSTATUS (0 = success). */
export interface Ntdll {
  /** `ProcessCommandLineInformation` (60): a UNICODE_STRING followed by its text (Windows 8.1+). */
  NtQueryInformationProcess(process: number, infoClass: number, info: Buffer, length: number, returned: Buffer | null): number;
}

let loaded: { kernel32: Kernel32; ntdll: Ntdll } | WinJobError | undefined;

/**
 * Load koffi, kernel32 and ntdll on first use (never at import: importing @pg/winjob on Linux or
 * with a broken koffi must not crash). A failure is remembered and thrown as WinJobError code
 * 'EFFI'; on another platform every call throws 'EUNSUPPORTED'. Main thread only (koffi #274).
 */
export function win32(): { kernel32: Kernel32; ntdll: Ntdll } {
  if (loaded === undefined) loaded = load();
  if (loaded instanceof WinJobError) throw loaded;
  return loaded;
}

function load(): { kernel32: Kernel32; ntdll: Ntdll } | WinJobError {
  if (process.platform !== 'win32') {
    return new WinJobError(`job objects exist only on Windows, not on ${process.platform}`, 'EUNSUPPORTED');
  }
  let koffi: Koffi;
  let k: ReturnType<Koffi['load']>;
  let n: ReturnType<Koffi['load']>;
  try {
    koffi = createRequire(import.meta.url)('koffi') as Koffi;
    k = koffi.load('kernel32.dll');
    n = koffi.load('ntdll.dll');
  } catch (cause) {
    return new WinJobError(`koffi could not load kernel32: ${(cause as Error).message}`, 'EFFI', undefined, { cause });
  }
  const H = 'intptr_t';
  const f = (name: string, result: string, args: string[]) => k.func('__stdcall', name, result, args);
  const kernel32 = {
    CreateJobObjectW: f('CreateJobObjectW', H, ['void *', 'str16']),
    OpenJobObjectW: f('OpenJobObjectW', H, ['uint32', 'int', 'str16']),
    SetInformationJobObject: f('SetInformationJobObject', 'int', [H, 'int', 'void *', 'uint32']),
    QueryInformationJobObject: f('QueryInformationJobObject', 'int', [H, 'int', 'void *', 'uint32', 'void *']),
    AssignProcessToJobObject: f('AssignProcessToJobObject', 'int', [H, H]),
    TerminateJobObject: f('TerminateJobObject', 'int', [H, 'uint32']),
    IsProcessInJob: f('IsProcessInJob', 'int', [H, H, 'void *']),
    CreateIoCompletionPort: f('CreateIoCompletionPort', H, [H, H, 'uintptr_t', 'uint32']),
    GetQueuedCompletionStatus: f('GetQueuedCompletionStatus', 'int', [H, 'void *', 'void *', 'void *', 'uint32']),
    PostQueuedCompletionStatus: f('PostQueuedCompletionStatus', 'int', [H, 'uint32', 'uintptr_t', 'uintptr_t']),
    CreateProcessW: f('CreateProcessW', 'int', ['str16', 'void *', 'void *', 'void *', 'int', 'uint32', 'void *', 'str16', 'void *', 'void *']),
    ResumeThread: f('ResumeThread', 'uint32', [H]),
    TerminateProcess: f('TerminateProcess', 'int', [H, 'uint32']),
    OpenProcess: f('OpenProcess', H, ['uint32', 'int', 'uint32']),
    GetExitCodeProcess: f('GetExitCodeProcess', 'int', [H, 'void *']),
    WaitForSingleObject: f('WaitForSingleObject', 'uint32', [H, 'uint32']),
    CreateFileW: f('CreateFileW', H, ['str16', 'uint32', 'uint32', 'void *', 'uint32', 'uint32', H]),
    GetStdHandle: f('GetStdHandle', H, ['int32']),
    DuplicateHandle: f('DuplicateHandle', 'int', [H, H, H, 'void *', 'uint32', 'int', 'uint32']),
    GetCurrentProcess: f('GetCurrentProcess', H, []),
    CloseHandle: f('CloseHandle', 'int', [H]),
    GenerateConsoleCtrlEvent: f('GenerateConsoleCtrlEvent', 'int', ['uint32', 'uint32']),
    CreateToolhelp32Snapshot: f('CreateToolhelp32Snapshot', H, ['uint32', 'uint32']),
    Process32FirstW: f('Process32FirstW', 'int', [H, 'void *']),
    Process32NextW: f('Process32NextW', 'int', [H, 'void *']),
    QueryFullProcessImageNameW: f('QueryFullProcessImageNameW', 'int', [H, 'uint32', 'void *', 'void *']),
    GetLastError: f('GetLastError', 'uint32', []),
  } as unknown as Kernel32;
  const ntdll = {
    NtQueryInformationProcess: n.func('__stdcall', 'NtQueryInformationProcess', 'int32', [H, 'int', 'void *', 'uint32', 'void *']),
  } as unknown as Ntdll;
  return { kernel32, ntdll };
}
