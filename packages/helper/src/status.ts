import { once } from 'node:events';
import type { Socket } from 'node:net';
import { HelperError } from './errors.js';
import { LineSplitter, parseStatusLine } from './protocol.js';

/** How a process ended: an exit code, or the signal that killed it. */
export interface HelperExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** What a per-group pg-helper says on its control socket, as promises. */
export interface StatusWatch {
  /** The leader exec'd. Rejects with a HelperError once the helper has ended without that. */
  readonly started: Promise<{ pid: number; pidfdId: bigint }>;
  /**
   * How the leader ended, from the `exit` line; if the helper ends without sending one (it was
   * killed, or the control was closed first), the helper's own exit status instead.
   */
  readonly leaderExit: Promise<HelperExit>;
  /** The helper's `error` lines so far. */
  readonly diagnostics: string[];
}

/**
 * Reads a per-group helper's status lines from `control` (its near end of the control socket).
 * `exited` is the helper's own end, however learned (its ChildProcess, or the spawner's report);
 * everything it said has been read only once `control` has closed too.
 */
export function watchStatus(control: Socket, exited: Promise<HelperExit>, what: { file: string; cgroupDir?: string }, cause: () => unknown = () => undefined): StatusWatch {
  const diagnostics: string[] = [];
  let failure: HelperError | undefined;
  let resolveLeader!: (exit: HelperExit) => void;
  const leaderExit = new Promise<HelperExit>((resolve) => (resolveLeader = resolve));
  const finished = Promise.all([exited, once(control, 'close')]).then(([exit]) => exit);
  void finished.then(resolveLeader);
  let resolveStarted!: (started: { pid: number; pidfdId: bigint }) => void;
  let rejectStarted!: (error: HelperError) => void;
  const started = new Promise<{ pid: number; pidfdId: bigint }>((resolve, reject) => {
    resolveStarted = resolve;
    rejectStarted = reject;
  });
  let said = false;
  control.on('error', () => {
    // EPIPE or ECONNRESET once the helper is gone; 'close' follows and says the same.
  });
  control.setEncoding('utf8');
  const lines = new LineSplitter();
  control.on('data', (chunk: string) => {
    for (const text of lines.push(chunk)) {
      const line = parseStatusLine(text);
      switch (line.kind) {
        case 'started':
          said = true;
          resolveStarted({ pid: line.pid, pidfdId: line.pidfdId });
          break;
        case 'exit':
          resolveLeader({ code: line.code, signal: line.signal });
          break;
        case 'exec-failed':
          failure = new HelperError(`cannot execute ${what.file}: ${line.code}`, line.code, { syscall: 'execv' });
          break;
        case 'clone3-failed': {
          const unsupported = line.code === 'ENOSYS' || line.code === 'E2BIG' || line.code === 'EINVAL';
          const message = `clone3 could not create ${what.file} in cgroup ${what.cgroupDir ?? '?'}: ${line.code}`;
          failure = new HelperError(message, unsupported ? 'ECLONE3' : line.code, { syscall: 'clone3', errno: line.code });
          break;
        }
        case 'error':
          diagnostics.push(line.text);
          break;
        case 'unknown':
          diagnostics.push(`unexpected line from pg-helper: ${line.line}`);
          break;
      }
    }
  });
  void finished.then((exit) => {
    if (said) return;
    if (failure !== undefined) return rejectStarted(failure);
    const status = exit.signal !== null ? `signal ${exit.signal}` : `exit code ${String(exit.code)}`;
    const text = diagnostics.length > 0 ? `: ${diagnostics.join('; ')}` : ' (see its stderr)';
    rejectStarted(new HelperError(`pg-helper ended with ${status} before starting ${what.file}${text}`, 'EHELPER', { cause: cause() }));
  });
  started.catch(() => undefined);
  return { started, leaderExit, diagnostics };
}
