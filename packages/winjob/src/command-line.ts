// A Windows process receives one command-line string, not an argv: each program splits it
// itself, almost always by the Microsoft C runtime's rules (CommandLineToArgvW), and cmd.exe reads
// it by its own rules first. So a `.cmd`/`.bat` (npm's shims) needs both layers of quoting, as
// cross-spawn does; docs/windows.md ("Command lines") has the rules and the CVE-2024-27980 story.

/**
 * Quotes one argument so the C runtime's splitter returns it unchanged: no quotes when it has no
 * space, tab, newline or quote; otherwise inside quotes, where a run of backslashes is doubled
 * when a quote (or the closing quote) follows it, and each quote is escaped.
 */
export function quoteArgument(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg;
  let out = '"';
  let slashes = 0;
  for (const ch of arg) {
    if (ch === '\\') {
      slashes++;
      continue;
    }
    if (ch === '"') out += '\\'.repeat(slashes * 2 + 1) + '"';
    else out += '\\'.repeat(slashes) + ch;
    slashes = 0;
  }
  return `${out}${'\\'.repeat(slashes * 2)}"`;
}

/** The characters cmd.exe acts on in a command line (and `^`, its escape). */
const CMD_META = /([()\][%!^"`<>&|;, *?])/g;

/**
 * Makes an argument safe for `cmd.exe /d /s /c "…"`: quoted for the C runtime first, then every
 * character cmd.exe would act on is escaped with `^`. `twice` escapes again, for a batch file that
 * passes its arguments on to another cmd.exe line (npm's `node_modules/.bin/*.cmd` shims do:
 * `"%_prog%" "%dp0%\…" %*`), which is what cross-spawn calls double escaping.
 */
export function escapeForCmd(arg: string, twice: boolean): string {
  let out = quoteArgument(arg).replace(CMD_META, '^$1');
  if (twice) out = out.replace(CMD_META, '^$1');
  return out;
}

/** The command line CreateProcessW gets for `file` with `args`, when `file` is an executable. */
export function executableCommandLine(file: string, args: readonly string[]): string {
  return [quoteArgument(file), ...args.map(quoteArgument)].join(' ');
}

/** Whether `file` is run through cmd.exe (a `.cmd` or `.bat` script). */
export function isBatchFile(file: string): boolean {
  return /\.(cmd|bat)$/i.test(file);
}

/**
 * The command line for a `.cmd`/`.bat` file: `cmd.exe /d /s /c "<line>"` (`/d` skips AutoRun
 * commands, `/s` keeps the outer quotes' content verbatim). The script path is escaped once; the
 * arguments twice, because a batch file hands them to a second command line through `%*` (npm's
 * shims: `"%_prog%" "%dp0%\…" %*`), where cmd.exe reads the metacharacters again. cross-spawn
 * escapes twice only for shims under `node_modules\.bin`; here every script is treated so, since
 * a plain wrapper `.bat` that runs `node tool.js %*` breaks on `a&b` otherwise (docs/windows.md).
 */
export function batchCommandLine(comspec: string, file: string, args: readonly string[]): string {
  const line = [escapeForCmd(file, false), ...args.map((a) => escapeForCmd(a, true))].join(' ');
  return `${quoteArgument(comspec)} /d /s /c "${line}"`;
}
