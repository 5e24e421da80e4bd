import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, writeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { HELPER_ARGV0_MARK } from '../argv.js';
import { HelperError } from '../errors.js';
import { LineSplitter } from '../protocol.js';
import { C, callFailed, cloexecSocketPair, errnoCode, libc, rightsMessage } from './ffi.js';
import { parseReply, type SpawnerReply } from './reply.js';

/** How a leader ended, as the spawner reaped it. */
export interface SpawnerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** What the connection tells the owner of one request. */
export interface RequestHandlers {
  spawned(pid: number, pidfdId: bigint, startTime: string): void;
  failed(error: HelperError): void;
  exit(exit: SpawnerExit): void;
  /** The spawner ended before this leader's exit was reported. */
  lost(error: HelperError): void;
}

interface QueuedRequest {
  /** The request's id, for the large-request path (`in-fd`). */
  id?: number;
  payload: Buffer;
  fds: number[];
  sent: () => void;
  failed: (error: HelperError) => void;
}

/** `next` rewritten to carry its payload in a memfd (closed once sent or failed). */
function inMemfd(next: QueuedRequest, id: number): QueuedRequest {
  const c = libc();
  const fd = c.memfd_create('pg-spawn-request', C.MFD_CLOEXEC);
  if (fd < 0) throw callFailed('memfd_create', c.errno());
  try {
    for (let off = 0; off < next.payload.length; ) off += writeSync(fd, next.payload, off);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return {
    payload: Buffer.from(`in-fd\0${id}\0`),
    fds: [...next.fds, fd],
    sent: () => {
      closeSync(fd);
      next.sent();
    },
    failed: (error) => {
      closeSync(fd);
      next.failed(error);
    },
  };
}

/**
 * How a spawner was started and how the owner hears from it: its replies (a pipe only the spawner
 * writes), a promise of its end saying how it ended, and a way to hold or let go the owner's
 * event loop while leaders run.
 */
export interface SpawnerTransport {
  readonly pid: number;
  /** The spawner's working directory when it is this process's (inherited at start), else undefined. */
  readonly cwd: string | undefined;
  readonly replies: Readable;
  readonly ended: Promise<string>;
  /** The cause to attach when it ends (a spawn error, say). */
  cause(): unknown;
  hold(held: boolean): void;
}

/**
 * One running spawner (`pg-helper --spawner`) and this process's two ends of it: the request
 * socket (SOCK_SEQPACKET, written with koffi `sendmsg` on a non-blocking fd that is never handed
 * to libuv: `net.Socket` refuses SEQPACKET fds) and the reply pipe (the spawner's stdout, read as
 * a stream). The request socket is the lifeline: when this process dies, even by SIGKILL, the
 * kernel closes it and the spawner kills every cgroup group not kept.
 */
export class SpawnerConnection {
  readonly pid: number;
  /** Its working directory, where known: a leader asked for no cwd gets this process's, so it is passed when they differ. */
  readonly cwd: string | undefined;
  /** The process that started it: after a fork of the owner the child needs its own. */
  readonly ownerPid = process.pid;
  /** `error` lines: failures the spawner reported and survived. */
  readonly diagnostics: string[] = [];
  #transport: SpawnerTransport;
  #requestFd: number;
  #queue: QueuedRequest[] = [];
  #retry: NodeJS.Timeout | undefined;
  #handlers = new Map<number, RequestHandlers>();
  /** Requests whose leader no longer holds the event loop (`unhold`). */
  #unheld = new Set<number>();
  #nextId = 1;
  #ended: HelperError | undefined;
  readonly #closed: Promise<void>;

  /**
   * Starts the spawner as this process's child, its request socket at fd 3 and its replies on its stdout.
   * @throws HelperError when the socket pair or the spawn fails at once.
   */
  static start(helperPath: string, owner: string | undefined): SpawnerConnection {
    const [near, far] = cloexecSocketPair(C.SOCK_SEQPACKET, C.SOCK_NONBLOCK);
    let child: ChildProcess;
    try {
      // detached: its own session, so a terminal's Ctrl-C (sent to the foreground process
      // group) never reaches it; it ends when this process does.
      child = spawn(helperPath, ['--spawner', '--control-fd', '3', ...(owner === undefined ? [] : ['--owner', owner])], {
        argv0: HELPER_ARGV0_MARK,
        stdio: ['ignore', 'pipe', 'inherit', far],
        detached: true,
      });
    } catch (error) {
      closeSync(near);
      closeSync(far);
      throw new HelperError(`cannot start the pg-helper spawner (${helperPath}): ${(error as Error).message}`, 'EHELPER', { cause: error });
    }
    closeSync(far);
    let spawnError: Error | undefined;
    child.on('error', (error) => (spawnError ??= error));
    const stdout = child.stdout as Readable & { ref?(): void; unref?(): void };
    const transport: SpawnerTransport = {
      pid: child.pid ?? -1,
      cwd: currentDirectory(),
      replies: stdout,
      ended: new Promise<string>((resolve) =>
        child.once('close', (code, signal) => resolve(signal !== null ? `signal ${signal}` : `exit code ${String(code)}`)),
      ),
      cause: () => spawnError,
      hold(held) {
        if (held) {
          child.ref();
          stdout.ref?.();
        } else {
          child.unref();
          stdout.unref?.();
        }
      },
    };
    return new SpawnerConnection(transport, near);
  }

  /** A spawner started elsewhere (see user-manager.ts): `requestFd` is this process's end of its request socket. */
  constructor(transport: SpawnerTransport, requestFd: number) {
    this.#transport = transport;
    this.#requestFd = requestFd;
    this.pid = transport.pid;
    this.cwd = transport.cwd;
    const replies = transport.replies;
    replies.setEncoding('utf8');
    const lines = new LineSplitter();
    replies.on('data', (chunk: string) => {
      for (const line of lines.push(chunk)) this.#onReply(parseReply(line));
    });
    this.#closed = transport.ended.then(() => undefined);
    void transport.ended.then((how) => {
      const said = this.diagnostics.length > 0 ? ` (it said: ${this.diagnostics.slice(-3).join('; ')})` : '';
      this.#end(new HelperError(`the pg-helper spawner (pid ${this.pid}) ended with ${how}${said}`, 'ESPAWNER', { cause: transport.cause() }));
    });
    this.#updateRef();
  }

  /**
   * Close the request socket, as this process's death would: the spawner kills every cgroup
   * group not kept, removes their directories and exits. Resolves once it has.
   */
  close(): Promise<void> {
    if (this.#ended === undefined && !this.#requestClosed) {
      this.#requestClosed = true;
      closeSync(this.#requestFd);
      if (this.#retry !== undefined) clearTimeout(this.#retry);
      const closed = new HelperError(`the pg-helper spawner (pid ${this.pid}) was closed by its owner`, 'ESPAWNER');
      for (const item of this.#queue.splice(0)) item.failed(closed);
    }
    return this.#closed;
  }

  #requestClosed = false;

  /** False once the spawner has ended (the next request must start a new one). */
  get alive(): boolean {
    return this.#ended === undefined;
  }

  /**
   * Sends one request (`payload` encodes `id`). `fds` are passed with SCM_RIGHTS; they may be closed once `sent` runs.
   * The handlers hear the answer, then the exit. A full socket is retried on a timer, in order.
   */
  request(id: number, payload: Buffer, fds: number[], handlers: RequestHandlers, sent: () => void): void {
    if (this.#ended !== undefined || this.#requestClosed) {
      handlers.failed(this.#ended ?? new HelperError(`the pg-helper spawner (pid ${this.pid}) was closed by its owner`, 'ESPAWNER'));
      return;
    }
    this.#handlers.set(id, handlers);
    this.#updateRef();
    this.#queue.push({ id, payload, fds, sent, failed: (e) => this.#settle(id)?.failed(e) });
    this.#flush();
  }

  /** A fresh request id: the spawner reports under it. */
  nextId(): number {
    return this.#nextId++;
  }

  /**
   * Tells the spawner the owner is done with group `id`; fire and forget. The spawner sends no
   * more reports for a released group (not even its exit, if that has not been reported yet), so
   * the request is settled here: nothing is left to wait for, and the event loop is let go.
   */
  release(id: number, payload: Buffer): void {
    this.#settle(id);
    if (this.#ended !== undefined || this.#requestClosed) return;
    this.#queue.push({ payload, fds: [], sent: () => undefined, failed: () => undefined });
    this.#flush();
  }

  /** Stop holding this process's event loop open for leader `id` (`unref` of a child). */
  unhold(id: number): void {
    if (!this.#handlers.has(id)) return;
    this.#unheld.add(id);
    this.#updateRef();
  }

  #flush(): void {
    if (this.#retry !== undefined) return;
    const c = libc();
    while (this.#queue.length > 0) {
      const next = this.#queue[0] as QueuedRequest;
      const n = c.sendmsg(this.#requestFd, next.payload, rightsMessage(next.fds), C.MSG_DONTWAIT | C.MSG_NOSIGNAL);
      const errno = n < 0 ? c.errno() : 0;
      if (n < 0 && errnoCode(errno) === 'EAGAIN') {
        // The spawner is behind: try again shortly (the fd is not libuv's, so no poll watcher).
        this.#retry = setTimeout(() => {
          this.#retry = undefined;
          this.#flush();
        }, 1);
        return;
      }
      if (n < 0 && errnoCode(errno) === 'EMSGSIZE' && next.id !== undefined) {
        // More than one message can hold (the socket's send buffer, ~200 kB; a plain spawn takes
        // up to ARG_MAX): the whole request goes in a memfd, passed last, behind a short `in-fd`.
        try {
          this.#queue[0] = inMemfd(next, next.id);
        } catch (error) {
          this.#queue.shift();
          next.failed(HelperError.isInstance(error) ? error : new HelperError(String(error), 'EHELPER', { cause: error }));
        }
        continue;
      }
      this.#queue.shift();
      if (n < 0) {
        next.failed(callFailed('sendmsg to the pg-helper spawner', errno));
      } else {
        next.sent();
      }
    }
  }

  #onReply(reply: SpawnerReply): void {
    switch (reply.kind) {
      case 'spawned':
        this.#handlers.get(reply.id)?.spawned(reply.pid, reply.pidfdId, reply.startTime);
        break;
      case 'failed': {
        const handlers = this.#settle(reply.id);
        const message = reply.stage === 'exec' ? `execve failed: ${reply.code}` : `the spawner's ${reply.stage} step failed: ${reply.code}`;
        handlers?.failed(new HelperError(message, reply.code, { syscall: reply.stage }));
        break;
      }
      case 'exit':
        this.#settle(reply.id)?.exit({ code: reply.code, signal: reply.signal });
        break;
      case 'error':
        this.diagnostics.push(reply.text);
        if (this.diagnostics.length > 100) this.diagnostics.shift();
        break;
      case 'unknown':
        this.diagnostics.push(`unexpected line from the spawner: ${reply.line}`);
        break;
    }
  }

  /** Forget request `id` (answered for good) and let the loop go if nothing else is held. */
  #settle(id: number): RequestHandlers | undefined {
    const handlers = this.#handlers.get(id);
    if (handlers === undefined) return undefined;
    this.#handlers.delete(id);
    this.#unheld.delete(id);
    this.#updateRef();
    return handlers;
  }

  /**
   * Hold this process's event loop open while any leader is running, as a live ChildProcess
   * does; let it go otherwise (an idle spawner never keeps its owner alive).
   */
  #updateRef(): void {
    this.#transport.hold(this.#handlers.size > this.#unheld.size);
  }

  #end(error: HelperError): void {
    if (this.#ended !== undefined) return;
    this.#ended = error;
    if (this.#retry !== undefined) clearTimeout(this.#retry);
    for (const item of this.#queue) item.failed(error);
    this.#queue = [];
    if (!this.#requestClosed) closeSync(this.#requestFd);
    this.#requestClosed = true;
    const handlers = [...this.#handlers.values()];
    this.#handlers.clear();
    this.#unheld.clear();
    for (const h of handlers) h.lost(error);
    this.#updateRef();
  }
}

/** process.cwd(), or undefined where it is gone (removed under this process). */
export function currentDirectory(): string | undefined {
  try {
    return process.cwd();
  } catch {
    return undefined;
  }
}
