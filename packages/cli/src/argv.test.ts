import { describe, expect, it } from 'vitest';
import { parseCommandLine, type OptionSpec } from './argv.js';
import { UsageError } from './usage-error.js';

const spec = { name: { type: 'string' }, detach: { type: 'boolean', short: 'd' }, signal: { type: 'string', short: 's' } } as const satisfies OptionSpec;

describe('parseCommandLine', () => {
  it('takes the command after --, its flags untouched', () => {
    const line = parseCommandLine(['--name', 'web', '--', 'node', '--inspect', 'app.js'], spec, true);
    expect(line.values.name).toBe('web');
    expect(line.command).toEqual(['node', '--inspect', 'app.js']);
  });

  it('starts the command at the first word that is not an option, without --', () => {
    const line = parseCommandLine(['-d', '--name', 'web', 'sleep', '-x', '10'], spec, true);
    expect(line.values.detach).toBe(true);
    expect(line.command).toEqual(['sleep', '-x', '10']);
  });

  it('does not take an option value for the command', () => {
    expect(parseCommandLine(['-s', 'TERM', 'cmd'], spec, true).command).toEqual(['cmd']);
    expect(parseCommandLine(['-sTERM', 'cmd'], spec, true).command).toEqual(['cmd']);
    expect(parseCommandLine(['--name=x', 'cmd'], spec, true).command).toEqual(['cmd']);
  });

  it('refuses unknown options with a UsageError', () => {
    expect(() => parseCommandLine(['--frob', '--', 'cmd'], spec, true)).toThrow(UsageError);
    expect(() => parseCommandLine(['--frob'], spec, false)).toThrow(UsageError);
  });

  it('keeps positionals when there is no command', () => {
    expect(parseCommandLine(['--signal', 'HUP', 'group-1'], spec, false).positionals).toEqual(['group-1']);
  });
});
