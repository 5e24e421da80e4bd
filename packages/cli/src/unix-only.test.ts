import { describe, expect, it } from 'vitest';
import { unixOnlyReason } from './unix-only.js';

describe('unixOnlyReason', () => {
  it('names init, activate and fds as Unix-only on Windows, with the reason', () => {
    for (const command of ['init', 'activate', 'fds']) expect(unixOnlyReason(command, 'win32')).toMatch(new RegExp(`^pg ${command} is Unix-only: .+`));
  });

  it('lets run, ps, kill, ls, prune and doctor run on Windows, and everything elsewhere', () => {
    for (const command of ['run', 'ps', 'kill', 'ls', 'prune', 'doctor']) expect(unixOnlyReason(command, 'win32')).toBeUndefined();
    for (const command of ['init', 'activate', 'fds']) expect(unixOnlyReason(command, 'linux')).toBeUndefined();
  });
});
