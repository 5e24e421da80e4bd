import { describe, expect, it } from 'vitest';
import { batchCommandLine, escapeForCmd, executableCommandLine, isBatchFile, quoteArgument } from './command-line.js';

/**
 * The Microsoft C runtime's splitting rules (CommandLineToArgvW for arguments after the first), written
 * out independently of quoteArgument so a round trip checks one against the other.
 */
function splitLikeTheCRuntime(line: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (i >= line.length) break;
    let arg = '';
    let quoted = false;
    for (; i < line.length; i++) {
      const c = line[i];
      if (!quoted && (c === ' ' || c === '\t')) break;
      if (c === '\\') {
        let n = 0;
        while (line[i] === '\\') (n++, i++);
        if (line[i] === '"') {
          arg += '\\'.repeat(Math.floor(n / 2));
          if (n % 2 === 1) arg += '"';
          else quoted = !quoted;
        } else {
          arg += '\\'.repeat(n);
          i--;
        }
      } else if (c === '"') quoted = !quoted;
      else arg += c;
    }
    args.push(arg);
  }
  return args;
}

describe('quoteArgument', () => {
  it.each([
    'plain',
    '',
    'two words',
    'a"quote',
    'trailing\\',
    'C:\\Program Files\\x\\',
    'back\\\\"slashes',
    '\\\\server\\share',
    'tab\there',
    '"',
    '\\"',
  ])('round-trips %j through the C runtime rules', (arg) => {
    expect(splitLikeTheCRuntime(`x.exe ${quoteArgument(arg)}`)).toEqual(['x.exe', arg]);
  });

  it('leaves simple arguments bare', () => {
    expect(executableCommandLine('C:\\bin\\ping.exe', ['-n', '5', '127.0.0.1'])).toBe('C:\\bin\\ping.exe -n 5 127.0.0.1');
    expect(executableCommandLine('C:\\Program Files\\node.exe', ['a b'])).toBe('"C:\\Program Files\\node.exe" "a b"');
  });
});

describe('cmd.exe escaping', () => {
  it('escapes every character cmd.exe acts on, so none is a command separator', () => {
    const escaped = escapeForCmd('a & calc | b > c %PATH% ^ !x!', false);
    // Every metacharacter is preceded by a caret (cmd removes the caret and keeps the character).
    expect(escaped.replace(/\^./g, '')).not.toMatch(/[&|<>%^!"()]/);
    expect(escaped.replace(/\^(.)/g, '$1')).toBe(quoteArgument('a & calc | b > c %PATH% ^ !x!'));
  });

  it('escapes arguments twice (a script passes them on through %*), the script path once', () => {
    const line = batchCommandLine('C:\\Windows\\System32\\cmd.exe', 'C:\\app\\node_modules\\.bin\\tsc.cmd', ['a&b']);
    expect(line).toBe('C:\\Windows\\System32\\cmd.exe /d /s /c "C:\\app\\node_modules\\.bin\\tsc.cmd a^^^&b"');
    const other = batchCommandLine('C:\\Windows\\System32\\cmd.exe', 'C:\\tools\\run.bat', ['a&b']);
    expect(other).toBe('C:\\Windows\\System32\\cmd.exe /d /s /c "C:\\tools\\run.bat a^^^&b"');
  });

  it('quotes a script path with spaces, escaped', () => {
    expect(batchCommandLine('cmd.exe', 'C:\\Program Files\\nodejs\\npm.cmd', ['run', 'dev'])).toBe(
      'cmd.exe /d /s /c "^"C:\\Program^ Files\\nodejs\\npm.cmd^" run dev"',
    );
  });

  it('knows scripts by extension, in any case', () => {
    expect(isBatchFile('x.CMD')).toBe(true);
    expect(isBatchFile('x.bat')).toBe(true);
    expect(isBatchFile('x.exe')).toBe(false);
    expect(isBatchFile('cmd')).toBe(false);
  });
});
