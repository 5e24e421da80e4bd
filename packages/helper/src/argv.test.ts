import { describe, expect, it } from 'vitest';
import { expandStdio, helperArgs, type StartHelperOptions } from './argv.js';

const base: StartHelperOptions = { file: '/bin/sh', args: ['-c', 'true'], stdio: 'ignore', subreaper: false, keep: false, owner: '1.t2' };

describe('expandStdio', () => {
  it('makes at least 3 entries; the control fd goes after them', () => {
    expect(expandStdio('inherit')).toEqual(['inherit', 'inherit', 'inherit']);
    expect(expandStdio(['ignore'])).toEqual(['ignore', undefined, undefined]);
    expect(expandStdio(['ignore', 'pipe', 'pipe', 'pipe', 7])).toHaveLength(5);
  });
  it("refuses 'ipc'", () => {
    expect(() => expandStdio(['pipe', 'pipe', 'pipe', 'ipc'])).toThrow(/`stdio\[3\]`: got 'ipc'/);
  });
});

describe('helperArgs', () => {
  it('puts the flags before -- and the command after', () => {
    expect(helperArgs({ ...base, subreaper: true, keep: true, forward: 'group', cgroupDir: '/sys/fs/cgroup/x', name: 'n' }, 4)).toEqual([
      '--subreaper', '--keep', '--control-fd', '4', '--forward', 'group', '--cgroup', '/sys/fs/cgroup/x', '--owner', '1.t2', '--name', 'n', '--', '/bin/sh', '-c', 'true',
    ]);
  });
  it('names the option, the value and what was expected', () => {
    expect(() => helperArgs({ ...base, file: 'sh' }, 3)).toThrow('Invalid option `file`: got sh, expected an absolute path');
    expect(() => helperArgs({ ...base, owner: '12' }, 3)).toThrow('Invalid option `owner`: got 12, expected the owner\'s identity "PID.TOKEN"');
    expect(() => helperArgs({ ...base, forward: 'all' as 'group' }, 3)).toThrow("Invalid option `forward`: got all, expected 'leader' or 'group'.");
    expect(() => helperArgs({ ...base, cgroupDir: 'rel' }, 3)).toThrow('Invalid option `cgroupDir`: got rel,');
    expect(() => helperArgs({ ...base, args: ['a\0b'] }, 3)).toThrow('Invalid option `args`');
  });
});
