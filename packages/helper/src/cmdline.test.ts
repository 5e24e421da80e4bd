import { describe, expect, it } from 'vitest';
import { parseHelperCmdline } from './cmdline.js';

const argv = (...a: string[]) => `${a.join('\0')}\0`;

describe('parseHelperCmdline', () => {
  it('reads a helper started by startHelper', () => {
    expect(
      parseHelperCmdline(argv('pg-helper', '--subreaper', '--control-fd', '3', '--forward', 'group', '--cgroup', '/sys/fs/cgroup/pg/x', '--owner', '42.t1234', '--name', 'web', '--', '/bin/sh', '-c', 'exit 0')),
    ).toEqual({
      owner: { pid: 42, token: 't1234' },
      name: 'web',
      subreaper: true,
      keep: false,
      forward: 'group',
      cgroupDir: '/sys/fs/cgroup/pg/x',
      file: '/bin/sh',
      args: ['-c', 'exit 0'],
    });
  });

  it('accepts the binary by path and a name that looks like a flag', () => {
    const parsed = parseHelperCmdline(argv('/x/build/pg-helper-asan', '--keep', '--owner', '1.i2', '--name', '--', '--', '/bin/true'));
    expect(parsed).toMatchObject({ keep: true, name: '--', file: '/bin/true', args: [] });
  });

  it('is undefined for anything else', () => {
    expect(parseHelperCmdline(argv('node', '--owner', '1.i2', '--', '/bin/true'))).toBeUndefined();
    expect(parseHelperCmdline(argv('pg-helper', '--', '/bin/true'))).toBeUndefined(); // no owner
    expect(parseHelperCmdline(argv('pg-helper', '--owner', '1.i2'))).toBeUndefined(); // no --
    expect(parseHelperCmdline(argv('pg-helper', '--owner', 'x', '--', '/bin/true'))).toBeUndefined();
    expect(parseHelperCmdline(argv('pg-helper', '--bogus', '1', '--owner', '1.i2', '--', '/bin/true'))).toBeUndefined();
    expect(parseHelperCmdline('')).toBeUndefined();
  });
});
