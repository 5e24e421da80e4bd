import type { Guarantees } from '../../backend.js';

/** What the job backend promises (the README's "job (Windows)" column; docs/windows.md). */
export const jobGuarantees: Guarantees = Object.freeze({
  memberBeforeFirstInstruction: true,
  daemonsStayMembers: true,
  atomicKill: true,
  signalReachesNewMembers: false,
  emptyEvent: true,
  neverSignalsRecycledPid: true,
  unprivileged: true,
  diesWithOwner: true,
  limits: Object.freeze([
    'Windows has no signals. SIGTERM and SIGKILL terminate the whole job at once (TerminateJobObject, exit code 1); SIGINT and SIGBREAK send one CTRL_BREAK_EVENT to the console process group the leader leads (it is started with CREATE_NEW_PROCESS_GROUP), which reaches console programs sharing this process\'s console, not GUI programs or members in another console. Any other signal is an UnsupportedError.',
    'stop() sends CTRL_BREAK_EVENT first (its default signal here is SIGBREAK), waits `timeout`, then terminates the job; where the event cannot be delivered (no shared console) it terminates at once.',
    "onOwnerExit: 'kill' is kill-on-job-close: only this process holds the job's handle, so when it exits by any means (a crash, TerminateProcess, taskkill /F) Windows terminates every member. 'keep' leaves the members running, but a job object lives only while some process holds a handle to it: once the owner has exited the group can no longer be listed or opened (members are not handle holders).",
    'listGroups() lists the jobs this process holds; another process can openGroup(id) a group while its owner still runs (a named job), not after.',
    'A member can leave only by asking a process outside the job (a service, the Task Scheduler, WMI) to start something; the job never allows breakaway.',
    'Members show their command line where Windows gives it to this process (NtQueryInformationProcess, Windows 8.1 and later), else the executable name.',
    'limits.pids and limits.memory are the job\'s active-process and job-memory limits; stats() gives the process count and CPU time from the job\'s accounting.',
    'The leader is created with CreateProcessW, not libuv: stdio entries are "pipe", "inherit" or "ignore" (no streams, fds beyond 2 or IPC channel), and `group.leader` (pid, stdio streams, exitCode, signalCode, kill, the exit event) is served by a ChildProcess-like object, not a libuv ChildProcess.',
    'Under Wine (how this backend is tested here) limits are accepted but not enforced, accounting CPU times read 0, console control events cannot be delivered and some completion-port messages are skipped: those behaviours are written against the Windows documentation and have not yet run on Windows.',
  ]),
});
