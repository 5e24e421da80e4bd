/**
 * Restart back-off, as service managers do it: the first restart waits `base` ms, each quick
 * failure doubles the wait up to `max`, and a run that lasted `resetAfter` ms counts as healthy,
 * so the next failure starts from `base` again.
 */
export class Backoff {
  #failures = 0;

  constructor({ base = 100, max = 10_000, resetAfter = 10_000 } = {}) {
    this.base = base;
    this.max = max;
    this.resetAfter = resetAfter;
  }

  /** The delay before the next start, given how long the last run lasted. */
  next(ranForMs) {
    if (ranForMs >= this.resetAfter) this.#failures = 0;
    const delay = Math.min(this.base * 2 ** this.#failures, this.max);
    this.#failures++;
    return delay;
  }
}
