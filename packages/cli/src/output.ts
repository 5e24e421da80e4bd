/** Where a command writes: the process's own streams in the binary, buffers in tests. */
export interface Io {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** The process's own stdout and stderr. */
export const processIo: Io = { stdout: process.stdout, stderr: process.stderr };

/** Writes lines to stdout. */
export function printLines(io: Io, lines: readonly string[]): void {
  if (lines.length > 0) io.stdout.write(`${lines.join('\n')}\n`);
}

/** Writes `value` as one JSON document on stdout (the `--json` form of every command). */
export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
}

/** Writes `pg: message` on stderr, one line per line of the message. */
export function warn(io: Io, message: string): void {
  io.stderr.write(`pg: ${message}\n`);
}

/** Pads columns to a table for people; the first row is the header. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

/** Prints a command's `--help` text on stdout; `--help` exits 0. */
export function showHelp(io: Io, help: string): number {
  io.stdout.write(`${help}\n`);
  return 0;
}
