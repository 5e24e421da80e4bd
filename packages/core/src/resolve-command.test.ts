import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCommand } from './resolve-command.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pg-resolve-'));
  await mkdir(join(dir, 'bin'));
  await mkdir(join(dir, 'bin', 'adir'));
  await writeFile(join(dir, 'bin', 'tool'), '#!/bin/sh\n', { mode: 0o755 });
  await writeFile(join(dir, 'bin', 'plain'), 'x', { mode: 0o644 });
});
afterAll(() => rm(dir, { recursive: true }));

describe('resolveCommand', () => {
  it('searches PATH like execvp and returns an absolute path', () => {
    expect(resolveCommand('tool', { PATH: `/nonexistent:${join(dir, 'bin')}` }, undefined)).toBe(join(dir, 'bin', 'tool'));
  });
  it('resolves a relative path against cwd', () => {
    expect(resolveCommand('./bin/tool', {}, dir)).toBe(join(dir, 'bin', 'tool'));
  });
  it('says ENOENT for a missing command and lists the PATH searched', () => {
    expect(() => resolveCommand('nope', { PATH: join(dir, 'bin') }, undefined)).toThrow(expect.objectContaining({ errno: 'ENOENT', message: expect.stringContaining(join(dir, 'bin')) }));
  });
  it('says EACCES for a file that is not executable or a directory', () => {
    expect(() => resolveCommand('plain', { PATH: join(dir, 'bin') }, undefined)).toThrow(expect.objectContaining({ errno: 'EACCES' }));
    expect(() => resolveCommand(join(dir, 'bin', 'adir'), {}, undefined)).toThrow(expect.objectContaining({ errno: 'EACCES' }));
  });
});
