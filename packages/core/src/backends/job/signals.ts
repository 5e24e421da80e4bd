/**
 * The signals a job group takes, by Node's numbers on Windows (`os.constants.signals` there).
 * Written out rather than read with `platformSignal()`: this module is loaded on every platform
 * to be probed, and Linux has no SIGBREAK. What each means: docs/windows.md.
 */
export const SIGINT = 2;
export const SIGKILL = 9;
export const SIGTERM = 15;
export const SIGBREAK = 21;
