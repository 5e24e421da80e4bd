import type { ProcessGroup } from '@pg/core';

/**
 * The signals `pg run` and `pg init` pass on to the whole group. SIGWINCH is included because the
 * posix leader runs in its own session: a terminal's resize reaches only the foreground group,
 * which is pg. SIGKILL and SIGSTOP cannot be caught; SIGTSTP/SIGTTIN/SIGTTOU stay job control.
 */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];

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
      .catch((error: unknown) => this.#onError(error, signal));
  }
}
