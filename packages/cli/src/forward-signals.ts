import { forwardedSignals, JOB_CONTROL_SIGNALS, type ProcessGroup } from '@pg/core';

/**
 * The signals `pg run` and `pg init` pass on to the whole group: core's one forwarded set (the
 * same as pg-helper's), those this platform has. SIGWINCH is included because the leader runs
 * in its own session: a terminal's resize reaches only the foreground group, which is pg.
 * SIGKILL and SIGSTOP cannot be caught. After passing on SIGTSTP, SIGTTIN or SIGTTOU, pg stops
 * itself (as dumb-init does), so a shell's Ctrl-Z stops the group and gives the terminal back;
 * the shell's SIGCONT on `fg` is passed on too.
 * On Windows only SIGINT is passed on (Ctrl-C: the job backend turns it into CTRL_BREAK_EVENT to
 * the leader's console group, which Ctrl-C does not reach); SIGWINCH and SIGHUP have no meaning
 * for a job, and a closed console ends pg and with it the job (kill-on-close; docs/windows.md).
 */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = process.platform === 'win32' ? ['SIGINT'] : forwardedSignals();

/**
 * Forwards signals that reach pg to every member of a group, one delivery at a time in arrival
 * order. Handlers are installed by `start()`, before the group exists: a signal that arrives
 * while the leader is being spawned is delivered once the group is attached, not lost. Having a
 * handler matters beyond forwarding: as PID 1 of a PID namespace a process receives only the
 * signals it handles (pid_namespaces(7)), and a handled SIGINT or SIGTERM no longer ends pg
 * before its group has ended.
 */
export class SignalForwarder {
  readonly #signals: readonly NodeJS.Signals[];
  readonly #onError: (error: unknown, signal: NodeJS.Signals) => void;
  readonly #onForward: (signal: NodeJS.Signals) => void;
  readonly #handlers = new Map<NodeJS.Signals, () => void>();
  readonly #early: NodeJS.Signals[] = [];
  #group: ProcessGroup | undefined;
  #chain = Promise.resolve();

  constructor(
    signals: readonly NodeJS.Signals[],
    onError: (error: unknown, signal: NodeJS.Signals) => void,
    onForward: (signal: NodeJS.Signals) => void = () => undefined,
  ) {
    this.#signals = signals;
    this.#onError = onError;
    this.#onForward = onForward;
  }

  /** Installs the handlers; until `attach()`, signals are kept for the group to come. */
  start(): void {
    for (const signal of this.#signals) {
      const handler = () => {
        if (this.#group === undefined) this.#early.push(signal);
        else this.#deliver(this.#group, signal);
      };
      this.#handlers.set(signal, handler);
      process.on(signal, handler);
    }
  }

  /** Forward to `group` from now on, starting with the signals that arrived before it existed. */
  attach(group: ProcessGroup): void {
    this.#group = group;
    for (const signal of this.#early.splice(0)) this.#deliver(group, signal);
  }

  /** Removes the handlers; resolves once deliveries under way are done. */
  async stop(): Promise<void> {
    for (const [signal, handler] of this.#handlers) process.off(signal, handler);
    this.#handlers.clear();
    await this.#chain;
  }

  #deliver(group: ProcessGroup, signal: NodeJS.Signals): void {
    this.#chain = this.#chain
      .then(() => {
        this.#onForward(signal);
        return group.signal(signal);
      })
      .then(() => {
        // Job control: the group is stopped; now pg itself, as the shell expects. (As PID 1 of a
        // pid namespace this is ignored by the kernel: init gets no signal it has no handler for.)
        if (JOB_CONTROL_SIGNALS.has(signal)) process.kill(process.pid, 'SIGSTOP');
      })
      .catch((error: unknown) => this.#onError(error, signal));
  }
}
