import { describe, expect, it } from 'vitest';
import { parseReply } from './reply.js';

describe('spawner replies', () => {
  it('decodes each line kind', () => {
    expect(parseReply('spawned 3 4242 987654321 1234567')).toEqual({ kind: 'spawned', id: 3, pid: 4242, pidfdId: 987654321n, startTime: '1234567' });
    expect(parseReply('failed 3 exec ENOENT')).toEqual({ kind: 'failed', id: 3, stage: 'exec', code: 'ENOENT' });
    expect(parseReply('exit 3 code 0')).toEqual({ kind: 'exit', id: 3, code: 0, signal: null });
    expect(parseReply('exit 3 signal 9')).toEqual({ kind: 'exit', id: 3, code: null, signal: 'SIGKILL' });
    expect(parseReply('error rmdir /x: Device or resource busy')).toEqual({ kind: 'error', text: 'rmdir /x: Device or resource busy' });
    expect(parseReply('spawned x')).toEqual({ kind: 'unknown', line: 'spawned x' });
  });
});
