import { describe, expect, it } from 'vitest';
import { validateSpawn } from './options.js';

describe('validateSpawn', () => {
  it('accepts the documented options', () => {
    const signal = new AbortController().signal;
    expect(validateSpawn('ls', ['-l'], { name: 'web-1.api@v2', cwd: '/', env: {}, stdio: ['ignore', 'pipe', 'inherit', 3], signal, limits: { pids: 10 } })).toMatchObject({ name: 'web-1.api@v2' });
    expect(validateSpawn('ls', [], undefined)).toEqual({});
  });

  it.each([
    ['name', { name: '..' }],
    ['name', { name: '../x' }],
    ['name', { name: 'a/b' }],
    ['name', { name: 'a\0b' }],
    ['name', { name: 'a\tb' }],
    ['name', { name: '.hidden' }],
    ['name', { name: 'x'.repeat(65) }],
    ['name', { name: '' }],
    ['env', { env: null }],
    ['stdio', { stdio: 5 }],
    ['stopTimeout', { stopTimeout: Number.POSITIVE_INFINITY }],
    ['limits', { limits: 5 }],
    ['limits.cpu', { limits: { cpu: 1 } }],
    ['limits.memory', { limits: { memory: 0 } }],
    ['limits.pids', { limits: { pids: 1.5 } }],
  ])('rejects a bad %s, naming it', (option, options) => {
    expect(() => validateSpawn('ls', [], options)).toThrow(expect.objectContaining({ option, code: 'ERR_PG_INVALID_OPTION' }));
  });

  it('rejects a bad file and args', () => {
    expect(() => validateSpawn('', [], {})).toThrow(expect.objectContaining({ option: 'file' }));
    expect(() => validateSpawn('ls', ['a', 1 as never], {})).toThrow(expect.objectContaining({ option: 'args' }));
    expect(() => validateSpawn('ls', ['a\0'], {})).toThrow(expect.objectContaining({ option: 'args' }));
  });
});
