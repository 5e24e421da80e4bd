// Tests that run code as uid 65534 need a checkout that user can read. CI clones into a
// directory of its own choosing (mktemp makes it mode 700), so when some ancestor of this
// checkout is closed to others, the tests use a hard-linked copy in a world-readable place
// (`cp -al`: no data copied, a fraction of a second) and remove it afterwards.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const checkout = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

/** Whether every directory from / down to `path` lets others search it (mode o+x). */
function openToOthers(path: string): boolean {
  for (let dir = path; ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dir === dirname(dir)) return true;
  }
}

/** A checkout uid 65534 can read, and how to clean it up. */
export function readableCheckout(): { path: string; cleanup(): void } {
  if (openToOthers(checkout)) return { path: checkout, cleanup: () => undefined };
  const parent = mkdtempSync(join(tmpdir(), 'pg-readable-checkout-'));
  chmodSync(parent, 0o755);
  const path = join(parent, 'repo');
  try {
    execFileSync('/bin/cp', ['-al', checkout, path], { stdio: 'pipe' });
  } catch {
    rmSync(path, { recursive: true, force: true });
    execFileSync('/bin/cp', ['-a', checkout, path], { stdio: 'pipe' }); // another filesystem: a real copy
  }
  chmodSync(path, 0o755);
  return { path, cleanup: () => rmSync(parent, { recursive: true, force: true }) };
}
