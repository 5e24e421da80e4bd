import { InvalidOptionError, ProcessGroupError } from '@pg/core';
import type { Command } from './command.js';
import { activateCommand } from './commands/activate.js';
import { doctorCommand } from './commands/doctor.js';
import { fdsCommand } from './commands/fds.js';
import { initCommand } from './commands/init.js';
import { killCommand } from './commands/kill.js';
import { lsCommand } from './commands/ls.js';
import { pruneCommand } from './commands/prune.js';
import { psCommand } from './commands/ps.js';
import { runCommand } from './commands/run.js';
import { ExitCode } from './exit-codes.js';
import { processIo, type Io } from './output.js';
import { UsageError } from './usage-error.js';
import { unixOnlyReason } from './unix-only.js';

/** Every command, in the order `pg --help` lists them. */
export const commands: readonly Command[] = [runCommand, psCommand, killCommand, lsCommand, pruneCommand, doctorCommand, initCommand, activateCommand, fdsCommand];

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: pg COMMAND [options]',
    '',
    'Process groups from the shell: run a command as a group, see, signal and stop all of it.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "pg COMMAND --help" for a command\'s options.',
    'Exit status: 0 ok, 1 failure, 2 usage error (unknown group, bad signal, bad size);',
    'run and init exit with the leader\'s status (128+N for signal N).',
  ].join('\n');
}

/**
 * Runs `pg` with `argv` (without the node and script paths) and resolves to the exit code.
 * Errors become one message on stderr: usage mistakes exit 2, everything else 1.
 */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    (name === undefined ? io.stderr : io.stdout).write(`${topic?.help ?? usage()}\n`);
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr.write(`pg: unknown command ${JSON.stringify(name)} (see pg --help)\n`);
    return ExitCode.usage;
  }
  const unixOnly = unixOnlyReason(command.name);
  if (unixOnly !== undefined) {
    io.stderr.write(`${unixOnly}\n`);
    return ExitCode.failure;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    return report(error, command.name, io);
  }
}

function report(error: unknown, name: string, io: Io): number {
  if (error instanceof UsageError || InvalidOptionError.isInstance(error)) {
    io.stderr.write(`pg ${name}: ${error.message}\n`);
    return ExitCode.usage;
  }
  if (ProcessGroupError.isInstance(error)) {
    io.stderr.write(`pg ${name}: ${error.message} [${error.code}]\n`);
    return ExitCode.failure;
  }
  io.stderr.write(`pg ${name}: ${error instanceof Error ? (process.env.PG_DEBUG ? error.stack : error.message) : String(error)}\n`);
  return ExitCode.failure;
}
