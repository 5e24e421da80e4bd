import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';

/** The options a command accepts, in `node:util` `parseArgs` form. */
export type OptionSpec = Readonly<Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>>;

/** What `parseCommandLine` found. */
export interface ParsedLine {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  /** Positionals before the command (e.g. GROUP). */
  readonly positionals: readonly string[];
  /** `CMD ARGS…`: everything after `--`, or from the first word that is not an option. */
  readonly command: readonly string[];
}

/**
 * Parses `argv` strictly against `spec`. With `takesCommand`, the command starts after `--`, or
 * at the first word that is not an option (as `env`, `nice` and `unshare` do), so the command's
 * own flags are never taken for pg's. Unknown options and missing values throw `UsageError`.
 */
export function parseCommandLine(argv: readonly string[], spec: OptionSpec, takesCommand: boolean): ParsedLine {
  const split = takesCommand ? commandStart(argv, spec) : argv.length;
  const own = argv.slice(0, split);
  const command = argv.slice(split);
  if (command[0] === '--') command.shift();
  let parsed;
  try {
    parsed = parseArgs({ args: own, options: spec, strict: true, allowPositionals: !takesCommand });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? String(error));
  }
  return { values: parsed.values, positionals: parsed.positionals, command };
}

function commandStart(argv: readonly string[], spec: OptionSpec): number {
  const shorts = new Map(Object.entries(spec).flatMap(([long, o]) => (o.short === undefined ? [] : [[o.short, long] as const])));
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === '--' || !token.startsWith('-') || token === '-') return i;
    const long = token.startsWith('--') ? token.slice(2) : shorts.get(token.slice(1, 2));
    // `--opt value` and `-o value` consume the next word; `--opt=value` and `-ovalue` do not.
    const inline = token.startsWith('--') ? token.includes('=') : token.length > 2;
    if (long !== undefined && spec[long]?.type === 'string' && !inline) i++;
  }
  return argv.length;
}

/** The one string value of `name`, if given. */
export function stringOption(line: ParsedLine, name: string): string | undefined {
  const v = line.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** Every value of a repeatable string option. */
export function stringsOption(line: ParsedLine, name: string): string[] {
  const v = line.values[name];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
}

/** Whether boolean option `name` was given. */
export function flag(line: ParsedLine, name: string): boolean {
  return line.values[name] === true;
}

/** Exactly one positional argument named `what` (e.g. GROUP). */
export function onePositional(line: ParsedLine, what: string): string {
  if (line.positionals.length !== 1) {
    throw new UsageError(line.positionals.length === 0 ? `missing ${what}` : `expected one ${what}, got ${line.positionals.length}`);
  }
  return line.positionals[0] as string;
}

/** No positional arguments at all. */
export function noPositionals(line: ParsedLine): void {
  if (line.positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(line.positionals[0])}`);
}
