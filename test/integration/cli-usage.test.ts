// Every command answers --help, and every usage mistake is one line on stderr and exit 2.
import { describe, expect, it } from 'vitest';
import { fixture, pg } from '../fixtures/cli-harness.js';

const commands = ['run', 'ps', 'kill', 'ls', 'doctor', 'init', 'activate', 'fds'];

describe('pg usage', () => {
  it('prints the command list for --help and exits 0', async () => {
    const r = await pg(['--help']);
    expect(r.exitCode).toBe(0);
    for (const c of commands) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
  });

  it('pg help COMMAND prints that command\'s usage', async () => {
    const r = await pg(['help', 'kill']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Usage: pg kill GROUP/);
  });

  it('prints usage on stderr and exits 2 without a command', async () => {
    const r = await pg([]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^Usage: pg COMMAND/);
  });

  it.each(commands)('pg %s --help prints its usage and exits 0', async (c) => {
    const r = await pg([c, '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: pg ${c}`));
    expect(r.stdout).toMatch(/Exit status:/);
  });

  const mistakes: [string, string[], RegExp][] = [
    ['an unknown command', ['frobnicate'], /unknown command "frobnicate"/],
    ['an unknown option', ['ls', '--frob'], /Unknown option '--frob'/],
    ['a missing GROUP', ['ps'], /missing GROUP/],
    ['an unknown group id', ['ps', '2147483646'], /no group "2147483646"/],
    ['an unknown group name', ['kill', 'no-such-group-name'], /no group "no-such-group-name"/],
    ['a bad signal name', ['kill', '--signal', 'SIGFROB', '2147483646'], /bad signal "SIGFROB"/],
    ['a bad timeout', ['kill', '--timeout', 'soon', '2147483646'], /bad value for --timeout/],
    ['a bad size', ['run', '--limit-memory', '12X', '--', 'true'], /bad size for --limit-memory: "12X"/],
    ['a bad pids limit', ['run', '--limit-pids', 'lots', '--', 'true'], /bad value for --limit-pids/],
    ['a bad backend', ['run', '--backend', 'jails', '--', 'true'], /bad --backend "jails"/],
    ['a bad group name', ['run', '--name', '../etc', '--', 'true'], /Invalid option `name`/],
    ['a missing command', ['run'], /missing the command/],
    ['a missing command for init', ['init', '--'], /missing the command/],
  ];
  it.each(mistakes)('%s is one line on stderr and exit 2', async (_what, args, message) => {
    const r = await pg(args);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('run exits 127 for a command that does not exist and 126 for one that cannot be executed', async () => {
    const missing = await pg(['run', '--', 'pg-test-no-such-command']);
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toMatch(/command not found/);
    // A fixture without execute bits (cli-signal-tree.mjs is run through node, never directly).
    const notExecutable = await pg(['run', '--', fixture('cli-signal-tree.mjs')]);
    expect(notExecutable.exitCode).toBe(126);
  });
});
