import { commands } from './commands/index.js';
import { ExitCode } from './exit-codes.js';
import { processIo, type Io } from './output.js';
import { UsageError } from './usage-error.js';
import { unixOnlyReason } from './unix-only.js';

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
 * Errors become one message on stderr: usage mistakes exit 2, everything else 1. Only the
 * named command's module is loaded (`pg --help` loads none).
 */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    const text = topic === undefined ? usage() : (await topic.load()).help;
    (name === undefined ? io.stderr : io.stdout).write(`${text}\n`);
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  const entry = commands.find((c) => c.name === name);
  if (entry === undefined) {
    io.stderr.write(`pg: unknown command ${JSON.stringify(name)} (see pg --help)\n`);
    return ExitCode.usage;
  }
  const unixOnly = unixOnlyReason(entry.name);
  if (unixOnly !== undefined) {
    io.stderr.write(`${unixOnly}\n`);
    return ExitCode.failure;
  }
  try {
    return await (await entry.load()).run(rest, io);
  } catch (error) {
    return report(error, entry.name, io);
  }
}

async function report(error: unknown, name: string, io: Io): Promise<number> {
  if (error instanceof UsageError) {
    io.stderr.write(`pg ${name}: ${error.message}\n`);
    return ExitCode.usage;
  }
  // Loaded here, not up front: the commands that can throw these have loaded @pg/core already.
  const { InvalidOptionError, ProcessGroupError } = await import('@pg/core');
  if (InvalidOptionError.isInstance(error)) {
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
