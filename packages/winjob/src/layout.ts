// Win32 constants and the byte layouts of the structs @pg/winjob passes to kernel32, for 64-bit
// Windows (x64 and arm64 share them: 8-byte pointers and SIZE_T, natural alignment). Offsets are
// from the Windows SDK headers (winnt.h, processthreadsapi.h); docs/windows.md lists them. Pure
// functions over Buffers, so they are tested on any platform.

/** JOBOBJECTINFOCLASS values. */
export const JobInfo = {
  BasicAccounting: 1,
  BasicProcessIdList: 3,
  AssociateCompletionPort: 7,
  ExtendedLimit: 9,
} as const;

/** JOB_OBJECT_LIMIT_* flags of JOBOBJECT_BASIC_LIMIT_INFORMATION.LimitFlags. */
export const Limit = {
  ActiveProcess: 0x8,
  JobMemory: 0x200,
  BreakawayOk: 0x800,
  SilentBreakawayOk: 0x1000,
  KillOnJobClose: 0x2000,
} as const;

/** JOB_OBJECT_MSG_* completion-port messages (the "bytes transferred" of each packet). */
export const JobMessage = {
  EndOfJobTime: 1,
  EndOfProcessTime: 2,
  ActiveProcessLimit: 3,
  ActiveProcessZero: 4,
  NewProcess: 6,
  ExitProcess: 7,
  AbnormalExitProcess: 8,
  ProcessMemoryLimit: 9,
  JobMemoryLimit: 10,
} as const;

/** CreateProcessW creation flags. */
export const Create = {
  Suspended: 0x4,
  NewProcessGroup: 0x200,
  UnicodeEnvironment: 0x400,
  NoWindow: 0x0800_0000,
} as const;

export const STARTF_USESTDHANDLES = 0x100;
export const INVALID_HANDLE_VALUE = -1;
export const INFINITE = 0xffff_ffff;
export const WAIT_OBJECT_0 = 0;
export const STILL_ACTIVE = 259;
export const GENERIC_READ = 0x8000_0000;
export const GENERIC_WRITE = 0x4000_0000;
export const FILE_SHARE_READ_WRITE = 0x3;
export const OPEN_EXISTING = 3;
export const DUPLICATE_SAME_ACCESS = 0x2;
export const STD_HANDLE = { stdin: -10, stdout: -11, stderr: -12 } as const;
/** Access rights. PROCESS_QUERY_INFORMATION rather than the limited right: Wine needs it for IsProcessInJob. */
export const Access = {
  JobAllAccess: 0x1f_001f,
  ProcessTerminate: 0x1,
  ProcessQueryInformation: 0x400,
  ProcessQueryLimitedInformation: 0x1000,
  Synchronize: 0x10_0000,
  ProcessVmRead: 0x10,
} as const;
export const TH32CS_SNAPPROCESS = 0x2;
export const ProcessCommandLineInformation = 60;
export const CTRL_BREAK_EVENT = 1;

/** JOBOBJECT_EXTENDED_LIMIT_INFORMATION: 144 bytes. */
export const EXTENDED_LIMIT_SIZE = 144;

/** What @pg/winjob sets in a job's extended limits. */
export interface ExtendedLimits {
  /** JOB_OBJECT_LIMIT_* flags. */
  readonly flags: number;
  /** ActiveProcessLimit, with `Limit.ActiveProcess`. */
  readonly activeProcesses?: number;
  /** JobMemoryLimit in bytes, with `Limit.JobMemory`. */
  readonly jobMemory?: number;
}

/** Encodes JOBOBJECT_EXTENDED_LIMIT_INFORMATION (BasicLimitInformation at 0, IoInfo at 64, memory limits from 112). */
export function encodeExtendedLimits(limits: ExtendedLimits): Buffer {
  const b = Buffer.alloc(EXTENDED_LIMIT_SIZE);
  b.writeUInt32LE(limits.flags, 16); // BasicLimitInformation.LimitFlags
  b.writeUInt32LE(limits.activeProcesses ?? 0, 40); // BasicLimitInformation.ActiveProcessLimit
  b.writeBigUInt64LE(BigInt(limits.jobMemory ?? 0), 120); // JobMemoryLimit
  return b;
}

/** Decodes the fields of JOBOBJECT_EXTENDED_LIMIT_INFORMATION that encodeExtendedLimits sets, plus the peak job memory. */
export function decodeExtendedLimits(b: Buffer): ExtendedLimits & { readonly peakJobMemory: number } {
  return {
    flags: b.readUInt32LE(16),
    activeProcesses: b.readUInt32LE(40),
    jobMemory: Number(b.readBigUInt64LE(120)),
    peakJobMemory: Number(b.readBigUInt64LE(136)),
  };
}

/** JOBOBJECT_ASSOCIATE_COMPLETION_PORT: CompletionKey at 0, CompletionPort at 8. */
export function encodeCompletionPort(key: number, port: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeBigUInt64LE(BigInt(key), 0);
  b.writeBigInt64LE(BigInt(port), 8);
  return b;
}

/** The size of a JOBOBJECT_BASIC_PROCESS_ID_LIST with room for `capacity` pids. */
export function processIdListSize(capacity: number): number {
  return 8 + 8 * capacity;
}

/**
 * Decodes JOBOBJECT_BASIC_PROCESS_ID_LIST: NumberOfAssignedProcesses (4), NumberOfProcessIdsInList
 * (4), then ULONG_PTR pids. `assigned` larger than the list means the buffer was too small.
 */
export function decodeProcessIdList(b: Buffer): { assigned: number; pids: number[] } {
  const assigned = b.readUInt32LE(0);
  const listed = Math.min(b.readUInt32LE(4), (b.length - 8) / 8);
  const pids: number[] = [];
  for (let i = 0; i < listed; i++) pids.push(Number(b.readBigUInt64LE(8 + 8 * i)));
  return { assigned, pids };
}

/** JOBOBJECT_BASIC_ACCOUNTING_INFORMATION: 48 bytes. */
export const ACCOUNTING_SIZE = 48;

/** The job's accounting, times in microseconds (Windows counts 100 ns units). */
export interface Accounting {
  readonly userMicros: number;
  readonly kernelMicros: number;
  readonly totalProcesses: number;
  readonly activeProcesses: number;
  readonly terminatedProcesses: number;
}

export function decodeAccounting(b: Buffer): Accounting {
  return {
    userMicros: Number(b.readBigInt64LE(0) / 10n),
    kernelMicros: Number(b.readBigInt64LE(8) / 10n),
    totalProcesses: b.readUInt32LE(36),
    activeProcesses: b.readUInt32LE(40),
    terminatedProcesses: b.readUInt32LE(44),
  };
}

/** SECURITY_ATTRIBUTES (24 bytes) with only bInheritHandle set. */
export function inheritableAttributes(): Buffer {
  const b = Buffer.alloc(24);
  b.writeUInt32LE(24, 0);
  b.writeInt32LE(1, 16);
  return b;
}

/** STARTUPINFOW (104 bytes) carrying three standard handles (STARTF_USESTDHANDLES). */
export function encodeStartupInfo(stdin: number, stdout: number, stderr: number): Buffer {
  const b = Buffer.alloc(104);
  b.writeUInt32LE(104, 0);
  b.writeUInt32LE(STARTF_USESTDHANDLES, 60);
  b.writeBigInt64LE(BigInt(stdin), 80);
  b.writeBigInt64LE(BigInt(stdout), 88);
  b.writeBigInt64LE(BigInt(stderr), 96);
  return b;
}

/** PROCESS_INFORMATION (24 bytes): hProcess, hThread, dwProcessId, dwThreadId. */
export const PROCESS_INFORMATION_SIZE = 24;

export function decodeProcessInformation(b: Buffer): { process: number; thread: number; pid: number } {
  return { process: Number(b.readBigInt64LE(0)), thread: Number(b.readBigInt64LE(8)), pid: b.readUInt32LE(16) };
}

/** PROCESSENTRY32W: 568 bytes; th32ProcessID at 8, th32ParentProcessID at 32, szExeFile (260 WCHARs) at 44. */
export const PROCESSENTRY32W_SIZE = 568;

export function newProcessEntry(): Buffer {
  const b = Buffer.alloc(PROCESSENTRY32W_SIZE);
  b.writeUInt32LE(PROCESSENTRY32W_SIZE, 0);
  return b;
}

export function decodeProcessEntry(b: Buffer): { pid: number; ppid: number; exe: string } {
  return { pid: b.readUInt32LE(8), ppid: b.readUInt32LE(32), exe: utf16z(b.subarray(44, 44 + 520)) };
}

/** A NUL-terminated UTF-16LE buffer of `text` (what LPWSTR parameters take). */
export function wide(text: string): Buffer {
  return Buffer.from(`${text}\0`, 'utf16le');
}

/** The text of a UTF-16LE buffer up to its first NUL. */
export function utf16z(b: Buffer): string {
  const s = b.toString('utf16le');
  const end = s.indexOf('\0');
  return end === -1 ? s : s.slice(0, end);
}

/**
 * The UNICODE_STRING that NtQueryInformationProcess(ProcessCommandLineInformation) writes at the
 * start of its buffer: Length (bytes, 2), MaximumLength (2), pad (4), Buffer pointer (8), the text
 * following in the same buffer. The text is read from right after the header: the pointer is
 * an address in this process, and the kernel places the text there.
 */
export function decodeCommandLineInformation(b: Buffer): string {
  const length = b.readUInt16LE(0);
  return b.subarray(16, 16 + length).toString('utf16le');
}

/**
 * A Unicode environment block for CreateProcessW (CREATE_UNICODE_ENVIRONMENT): `NAME=value\0`
 * entries sorted by name without regard to case (as Windows keeps them, and as libuv builds
 * them), ending with an extra NUL. Entries whose value is undefined are left out.
 */
export function environmentBlock(env: Readonly<Record<string, string | undefined>>): Buffer {
  const entries = Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined);
  entries.sort(([a], [b]) => {
    const x = a.toUpperCase();
    const y = b.toUpperCase();
    return x < y ? -1 : x > y ? 1 : 0;
  });
  // An empty block is still two NULs: CreateProcessW reads up to the first empty entry.
  const text = entries.length === 0 ? '\0' : entries.map(([k, v]) => `${k}=${v}\0`).join('');
  return Buffer.from(`${text}\0`, 'utf16le');
}
