import { win32 } from './ffi.js';
import { callError, WinJobError } from './errors.js';
import {
  Access,
  ACCOUNTING_SIZE,
  decodeAccounting,
  decodeExtendedLimits,
  decodeProcessIdList,
  encodeCompletionPort,
  encodeExtendedLimits,
  EXTENDED_LIMIT_SIZE,
  JobInfo,
  Limit,
  processIdListSize,
  type Accounting,
} from './layout.js';

/** What a new job enforces. */
export interface JobOptions {
  /**
   * A name in the session's object namespace (`Local\…`), so another process of the same user can
   * open the job by name while some process holds a handle to it. Unnamed when absent.
   */
  readonly name?: string;
  /**
   * JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE: every member is terminated when the last handle to the job
   * closes, which happens when the process holding it exits by any means (TerminateProcess, a
   * crash, `taskkill /F`). Default false.
   */
  readonly killOnClose?: boolean;
  /** JOB_OBJECT_LIMIT_ACTIVE_PROCESS: at most this many live processes in the job. */
  readonly activeProcesses?: number;
  /** JOB_OBJECT_LIMIT_JOB_MEMORY: committed memory of all members together, in bytes. */
  readonly memory?: number;
}

/** The limits a job reports back (Wine 8 reads back zeros: docs/windows.md, "What Wine does not model"). */
export interface JobLimits {
  readonly killOnClose: boolean;
  readonly activeProcesses: number | undefined;
  readonly memory: number | undefined;
  readonly peakMemory: number;
}

/**
 * A Win32 job object held by this process. Every process created by a member stays a member
 * (unless the job allows breakaway, which this package never sets), so orphans and `detached`
 * children remain in it. Closing the handle ends the job object once no other handle is open;
 * with `killOnClose` that terminates every member.
 */
export class Job {
  #handle: number;

  private constructor(handle: number) {
    this.#handle = handle;
  }

  /** Creates a job. A `name` already in use is an error (`'EEXIST'`), never a shared job. */
  static create(options: JobOptions = {}): Job {
    const { kernel32 } = win32();
    const handle = kernel32.CreateJobObjectW(null, options.name ?? null);
    const error = kernel32.GetLastError();
    if (handle === 0) throw callError('CreateJobObjectW', error, options.name);
    const job = new Job(handle);
    if (options.name !== undefined && error === 183 /* ERROR_ALREADY_EXISTS: an open handle to an existing job */) {
      job.close();
      throw new WinJobError(`a job named ${options.name} already exists`, 'EEXIST', 'CreateJobObjectW');
    }
    try {
      job.setLimits(options);
    } catch (cause) {
      job.close();
      throw cause;
    }
    return job;
  }

  /** Opens a named job that some process still holds. `'ENOENT'` when no such job exists. */
  static open(name: string): Job {
    const { kernel32 } = win32();
    const handle = kernel32.OpenJobObjectW(Access.JobAllAccess, 0, name);
    if (handle === 0) throw callError('OpenJobObjectW', kernel32.GetLastError(), name);
    return new Job(handle);
  }

  /** The raw HANDLE value, for the completion port and process creation in this package. */
  get handle(): number {
    if (this.#handle === 0) throw new WinJobError('the job handle is closed', 'EBADF');
    return this.#handle;
  }

  /** Sets the job's limits (replacing earlier ones). */
  setLimits(options: Omit<JobOptions, 'name'>): void {
    let flags = 0;
    if (options.killOnClose === true) flags |= Limit.KillOnJobClose;
    if (options.activeProcesses !== undefined) flags |= Limit.ActiveProcess;
    if (options.memory !== undefined) flags |= Limit.JobMemory;
    const info = encodeExtendedLimits({ flags, activeProcesses: options.activeProcesses, jobMemory: options.memory });
    const { kernel32 } = win32();
    if (kernel32.SetInformationJobObject(this.handle, JobInfo.ExtendedLimit, info, info.length) === 0) {
      throw callError('SetInformationJobObject', kernel32.GetLastError(), 'JobObjectExtendedLimitInformation');
    }
  }

  /** The limits as the job reports them. */
  limits(): JobLimits {
    const info = Buffer.alloc(EXTENDED_LIMIT_SIZE);
    const { kernel32 } = win32();
    if (kernel32.QueryInformationJobObject(this.handle, JobInfo.ExtendedLimit, info, info.length, null) === 0) {
      throw callError('QueryInformationJobObject', kernel32.GetLastError(), 'JobObjectExtendedLimitInformation');
    }
    const l = decodeExtendedLimits(info);
    return {
      killOnClose: (l.flags & Limit.KillOnJobClose) !== 0,
      activeProcesses: (l.flags & Limit.ActiveProcess) !== 0 ? l.activeProcesses : undefined,
      memory: (l.flags & Limit.JobMemory) !== 0 ? l.jobMemory : undefined,
      peakMemory: l.peakJobMemory,
    };
  }

  /** Puts a process (a handle with PROCESS_SET_QUOTA and PROCESS_TERMINATE) into the job. */
  assign(processHandle: number): void {
    const { kernel32 } = win32();
    if (kernel32.AssignProcessToJobObject(this.handle, processHandle) === 0) {
      throw callError('AssignProcessToJobObject', kernel32.GetLastError());
    }
  }

  /** The pids of the job's live processes now (JobObjectBasicProcessIdList), grandchildren and orphans included. */
  pids(): number[] {
    const { kernel32 } = win32();
    let capacity = 64;
    for (;;) {
      const list = Buffer.alloc(processIdListSize(capacity));
      const ok = kernel32.QueryInformationJobObject(this.handle, JobInfo.BasicProcessIdList, list, list.length, null);
      const error = ok === 0 ? kernel32.GetLastError() : 0;
      // ERROR_MORE_DATA: the list did not fit. The header still says how many are assigned.
      if (ok === 0 && error !== 234) throw callError('QueryInformationJobObject', error, 'JobObjectBasicProcessIdList');
      const { assigned, pids } = decodeProcessIdList(list);
      if (ok !== 0 && pids.length >= assigned) return pids;
      capacity = Math.max(capacity * 2, assigned + 16);
    }
  }

  /** Whether `processHandle` (opened with PROCESS_QUERY_INFORMATION) is in this job. */
  contains(processHandle: number): boolean {
    const { kernel32 } = win32();
    const result = Buffer.alloc(4);
    if (kernel32.IsProcessInJob(processHandle, this.handle, result) === 0) {
      throw callError('IsProcessInJob', kernel32.GetLastError());
    }
    return result.readInt32LE(0) !== 0;
  }

  /**
   * The job's accounting (JobObjectBasicAccountingInformation: CPU times and process counts).
   * Wine 8 counts processes but reads CPU times and the terminated count as 0.
   */
  accounting(): Accounting {
    const info = Buffer.alloc(ACCOUNTING_SIZE);
    const { kernel32 } = win32();
    if (kernel32.QueryInformationJobObject(this.handle, JobInfo.BasicAccounting, info, info.length, null) === 0) {
      throw callError('QueryInformationJobObject', kernel32.GetLastError(), 'JobObjectBasicAccountingInformation');
    }
    return decodeAccounting(info);
  }

  /**
   * TerminateJobObject: every live member ends with `exitCode`, all at once as far as members go:
   * a process being created by a member is created inside the job and terminated with it.
   */
  terminate(exitCode: number): void {
    const { kernel32 } = win32();
    if (kernel32.TerminateJobObject(this.handle, exitCode) === 0) {
      throw callError('TerminateJobObject', kernel32.GetLastError());
    }
  }

  /** Associates the job with a completion port under `key` (JobObjectAssociateCompletionPortInformation). */
  associate(port: number, key: number): void {
    const info = encodeCompletionPort(key, port);
    const { kernel32 } = win32();
    if (kernel32.SetInformationJobObject(this.handle, JobInfo.AssociateCompletionPort, info, info.length) === 0) {
      throw callError('SetInformationJobObject', kernel32.GetLastError(), 'JobObjectAssociateCompletionPortInformation');
    }
  }

  /** Closes this process's handle (with `killOnClose` and no other handle open, every member ends). Idempotent. */
  close(): void {
    if (this.#handle === 0) return;
    win32().kernel32.CloseHandle(this.#handle);
    this.#handle = 0;
  }
}
