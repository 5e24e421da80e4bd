import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readKernelFile } from './read.js';

const dir = mkdtempSync(join(tmpdir(), 'pg-procfs-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readKernelFile', () => {
  it('reads a pseudo-file whose size reads as 0 whole', () => {
    const text = readKernelFile('/proc/self/status');
    expect(text).toMatch(new RegExp(`^Pid:\\t${process.pid}$`, 'm'));
    expect(text.endsWith('\n')).toBe(true);
  });

  it('reads files larger than its buffer, and a short one after a long one, each exactly', () => {
    const long = 'x'.repeat(50_000) + 'end\n';
    writeFileSync(join(dir, 'long'), long);
    writeFileSync(join(dir, 'short'), 'é\n', 'utf8');
    expect(readKernelFile(join(dir, 'long'))).toBe(long);
    expect(readKernelFile(join(dir, 'short'), 'utf8')).toBe('é\n');
    expect(readKernelFile(join(dir, 'long'))).toBe(long);
  });

  it("throws Node's error with its code for a missing file", () => {
    expect(() => readKernelFile(join(dir, 'missing'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
