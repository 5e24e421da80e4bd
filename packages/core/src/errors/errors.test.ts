import { describe, expect, it } from 'vitest';
import { GroupGoneError, InvalidOptionError, ProcessGroupError, SpawnError } from './index.js';

describe('isInstance', () => {
  it('matches every pg error on the base and only its own kind on a subclass', () => {
    const gone = new GroupGoneError('/pg/x');
    const spawn = new SpawnError('no', { errno: 'ENOENT' });
    expect(ProcessGroupError.isInstance(gone)).toBe(true);
    expect(ProcessGroupError.isInstance(spawn)).toBe(true);
    expect(GroupGoneError.isInstance(gone)).toBe(true);
    expect(GroupGoneError.isInstance(spawn)).toBe(false);
    expect(SpawnError.isInstance(spawn)).toBe(true);
    expect(ProcessGroupError.isInstance(new InvalidOptionError('x', 1, 'y'))).toBe(true);
    expect(ProcessGroupError.isInstance(new Error('plain'))).toBe(false);
    expect(ProcessGroupError.isInstance(null)).toBe(false);
  });

  it('carries code, errno and cause', () => {
    const cause = Object.assign(new Error('x'), { code: 'EACCES' });
    const e = new SpawnError('cannot', { cause });
    expect(e).toMatchObject({ code: 'ERR_PG_SPAWN', errno: 'EACCES', name: 'SpawnError' });
    expect(e.cause).toBe(cause);
  });
});
