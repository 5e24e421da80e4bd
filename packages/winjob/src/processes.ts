import { win32 } from './ffi.js';
import { callError } from './errors.js';
import { Access, CTRL_BREAK_EVENT, decodeCommandLineInformation, decodeProcessEntry, newProcessEntry, ProcessCommandLineInformation, TH32CS_SNAPPROCESS } from './layout.js';

/** One process of the system's process table. */
export interface ProcessEntry {
  readonly pid: number;
  /** The pid of the process that created it (which may have exited, and whose pid may be reused). */
  readonly ppid: number;
  /** The executable's file name (`ping.exe`). */
  readonly exe: string;
}

/** Every process now, from one CreateToolhelp32Snapshot (pid, parent pid, executable name). */
export function processSnapshot(): Map<number, ProcessEntry> {
  const { kernel32 } = win32();
  const snapshot = kernel32.CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (snapshot === -1) throw callError('CreateToolhelp32Snapshot', kernel32.GetLastError());
  const found = new Map<number, ProcessEntry>();
  try {
    const entry = newProcessEntry();
    for (let ok = kernel32.Process32FirstW(snapshot, entry); ok !== 0; ok = kernel32.Process32NextW(snapshot, entry)) {
      const p = decodeProcessEntry(entry);
      found.set(p.pid, p);
    }
  } finally {
    kernel32.CloseHandle(snapshot);
  }
  return found;
}

/**
 * The command line of a process, as it was given to CreateProcessW (NtQueryInformationProcess,
 * ProcessCommandLineInformation, Windows 8.1 and later). Undefined when the process is gone or
 * this process may not query it.
 */
export function commandLineOf(pid: number): string | undefined {
  const { kernel32, ntdll } = win32();
  const handle = kernel32.OpenProcess(Access.ProcessQueryLimitedInformation, 0, pid);
  if (handle === 0) return undefined;
  try {
    let info = Buffer.alloc(1024);
    const needed = Buffer.alloc(4);
    let status = ntdll.NtQueryInformationProcess(handle, ProcessCommandLineInformation, info, info.length, needed);
    // STATUS_INFO_LENGTH_MISMATCH (0xC0000004): retry with the size the kernel asked for.
    if (status === -1073741820 && needed.readUInt32LE(0) > info.length) {
      info = Buffer.alloc(needed.readUInt32LE(0));
      status = ntdll.NtQueryInformationProcess(handle, ProcessCommandLineInformation, info, info.length, needed);
    }
    return status === 0 ? decodeCommandLineInformation(info) : undefined;
  } finally {
    kernel32.CloseHandle(handle);
  }
}

/**
 * GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT) to the console process group led by `pid` (a process
 * created with CREATE_NEW_PROCESS_GROUP, sharing this process's console). CTRL_C_EVENT cannot be
 * aimed at such a group: Windows disables Ctrl-C in it. Node programs see the event as
 * `'SIGBREAK'`. Throws when Windows refuses (no shared console; under Wine 8, always).
 */
export function sendCtrlBreak(pid: number): void {
  const { kernel32 } = win32();
  if (kernel32.GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, pid) === 0) {
    throw callError('GenerateConsoleCtrlEvent', kernel32.GetLastError(), `CTRL_BREAK_EVENT to the process group of ${pid}`);
  }
}
