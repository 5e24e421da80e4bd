import { closeSync, openSync, readSync } from 'node:fs';

/** Reused by every read: kernel pseudo-files are small, and one buffer spares an allocation each. */
let shared = Buffer.allocUnsafe(16 * 1024);

/**
 * Read a kernel pseudo-file (/proc, cgroupfs) whole, synchronously. These report a size of 0, so
 * `readFileSync` allocates 64 KiB for each read and copies it out; this reads into one buffer kept
 * between calls (grown when a file is larger) and decodes from there. Errors are Node's, with
 * their `code` (ENOENT, ESRCH, ENODEV…), as `readFileSync` throws them.
 */
export function readKernelFile(path: string, encoding: 'latin1' | 'utf8' = 'latin1'): string {
  const fd = openSync(path, 'r');
  try {
    let length = 0;
    for (;;) {
      if (length === shared.length) {
        const bigger = Buffer.allocUnsafe(shared.length * 2);
        shared.copy(bigger, 0, 0, length);
        shared = bigger;
      }
      const n = readSync(fd, shared, length, shared.length - length, null);
      if (n === 0) return shared.toString(encoding, 0, length);
      length += n;
    }
  } finally {
    closeSync(fd);
  }
}
