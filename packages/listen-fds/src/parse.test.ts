// The facts docs/socket-activation.md records from libsystemd 252, as unit cases. The full
// comparison with libsystemd itself is test/integration/listen-fds-libsystemd.test.ts.
import { describe, expect, it } from 'vitest';
import { parseFdCount, parsePid, parsePidfdId, splitNames } from './parse.js';

const ok = <T>(value: T) => ({ ok: true, value });
const err = (error: string) => ({ ok: false, error });

describe('parseFdCount (LISTEN_FDS)', () => {
  it.each([
    ['2', ok(2)], [' 2', ok(2)], ['+2', ok(2)], ['0x2', ok(2)], ['+0x2', ok(2)], ['02', ok(2)], ['+02', ok(2)],
    ['0b11', ok(3)], ['0b 11', ok(3)], ['0b+11', ok(3)], ['0o7', ok(7)], ['\v2', ok(2)],
    ['\v0b11', err('EINVAL')], ['+0b11', err('EINVAL')], ['0x', err('EINVAL')], ['0b', err('EINVAL')],
    ['0o', err('EINVAL')], ['08', err('EINVAL')], ['2 ', err('EINVAL')], ['', err('EINVAL')],
    ['0', err('EINVAL')], ['-0', err('EINVAL')], ['-1', err('EINVAL')], ['2147483645', err('EINVAL')],
    ['2147483644', ok(2147483644)], ['4294967298', err('ERANGE')], ['99999999999999999999x', err('ERANGE')],
  ])('%j → %j', (input, expected) => {
    expect(parseFdCount(input)).toEqual(expected);
  });
});

describe('parsePid (LISTEN_PID)', () => {
  it.each([
    ['42', ok(42)], ['052', ok(42)], ['0x2a', ok(42)], [' +42', ok(42)], ['2147483647', ok(2147483647)],
    ['0', err('ERANGE')], ['-0', err('ERANGE')], ['+0', err('ERANGE')], ['0x0', err('ERANGE')],
    ['-1', err('ERANGE')], ['-42', err('ERANGE')], ['2147483648', err('ERANGE')], ['4294967297', err('ERANGE')],
    ['18446744073709551615', err('ERANGE')], ['', err('EINVAL')], [' ', err('EINVAL')], ['4x', err('EINVAL')],
  ])('%j → %j', (input, expected) => {
    expect(parsePid(input)).toEqual(expected);
  });
});

describe('parsePidfdId (LISTEN_PIDFDID)', () => {
  it.each([
    ['12345', ok(12345n)], ['18446744073709551615', ok(18446744073709551615n)], ['0x10', ok(16n)],
    ['-0', ok(0n)], ['18446744073709551616', err('ERANGE')], ['-1', err('ERANGE')], ['', err('EINVAL')],
    ['1 ', err('EINVAL')],
    // strtoull skips \v itself, after libsystemd looked for the sign: the C code lets this through.
    ['\v-1', ok(18446744073709551615n)],
  ])('%j → %s', (input, expected) => {
    expect(parsePidfdId(input)).toEqual(expected);
  });
});

describe('splitNames (LISTEN_FDNAMES)', () => {
  it.each([
    ['', ok([''])], [':', ok(['', ''])], ['a::', ok(['a', '', ''])], ['a\\:b', ok(['a:b'])], ['a\\b', ok(['ab'])],
    ['\\n', ok(['n'])], ['\\\\', ok(['\\'])], ['a\\', err('EINVAL')], ['http:https', ok(['http', 'https'])],
  ])('%j → %j', (input, expected) => {
    expect(splitNames(input)).toEqual(expected);
  });
});
