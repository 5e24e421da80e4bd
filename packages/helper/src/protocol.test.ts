import { describe, expect, it } from 'vitest';
import { LineSplitter, parseStatusLine } from './protocol.js';

describe('parseStatusLine', () => {
  it('decodes every line the helper sends', () => {
    expect(parseStatusLine('started 123 18446744073709551615')).toEqual({ kind: 'started', pid: 123, pidfdId: 18446744073709551615n });
    expect(parseStatusLine('exec-failed ENOENT')).toEqual({ kind: 'exec-failed', code: 'ENOENT' });
    expect(parseStatusLine('exec-failed E200')).toEqual({ kind: 'exec-failed', code: 'E200' });
    expect(parseStatusLine('exit code 3')).toEqual({ kind: 'exit', code: 3, signal: null });
    expect(parseStatusLine('exit signal 15')).toEqual({ kind: 'exit', code: null, signal: 'SIGTERM' });
    expect(parseStatusLine('error clone3 ENOSYS')).toEqual({ kind: 'clone3-failed', code: 'ENOSYS' });
    expect(parseStatusLine('error clone3 into /x: Function not implemented')).toEqual({ kind: 'error', text: 'clone3 into /x: Function not implemented' });
    expect(parseStatusLine('hello')).toEqual({ kind: 'unknown', line: 'hello' });
  });
});

describe('LineSplitter', () => {
  it('keeps a partial line until the rest arrives', () => {
    const s = new LineSplitter();
    expect(s.push('star')).toEqual([]);
    expect(s.push('ted 1 2\nexit co')).toEqual(['started 1 2']);
    expect(s.push('de 0\n')).toEqual(['exit code 0']);
    expect(s.push('a\nb\n\n')).toEqual(['a', 'b', '']);
  });
});
