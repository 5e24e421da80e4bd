// Running a script under a Windows node.exe in Wine from a Linux test, and cleaning up after it
// from the Linux side. node.exe's standard handles must not be Unix pipes (console.log throws
// EBADF), so its output goes through files (docs/windows.md, "Running the Windows tests").
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

/** The environment Wine runs with for the prefix under `dir`. */
export function wineEnvironment(dir: string): NodeJS.ProcessEnv {
  // WINEPATH is prepended to the Windows PATH: node.exe is found as `node`, as on a Windows
  // machine with Node installed.
  return { ...process.env, WINEPREFIX: join(dir, 'prefix'), WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=', WINEPATH: windowsPath(join(dir, 'node', 'bin')) };
}

/** Why the Windows tests cannot run here, or undefined when they can. */
export function wineUnavailable(): string | undefined {
  const wine = inject('wine');
  return 'unavailable' in wine ? wine.unavailable : undefined;
}

/** A Linux path as Windows programs under Wine see it (`/work/x` → `Z:\work\x`). */
export function windowsPath(path: string): string {
  return `Z:${path.replace(/\//g, '\\')}`;
}

/** The absolute path of `test/windows/scripts/NAME`. */
export const script = (name: string): string => fileURLToPath(new URL(`./scripts/${name}`, import.meta.url));

/** What a node.exe run left: its exit status and its output, read from the files. */
export interface WindowsRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A node.exe started under Wine; `pid` is its Linux pid (the wine loader that becomes it). */
export interface WindowsNode {
  readonly pid: number;
  readonly done: Promise<WindowsRun>;
  /** What it has written to stdout so far. */
  output(): string;
}

/**
 * Starts `node.exe SCRIPT ARGS` under Wine with stdout and stderr going to files. `token` is
 * passed in the environment as PG_WIN_TOKEN, so scripts can put it into the command lines of
 * what they start, for `killByToken`.
 */
export function startWindowsNode(scriptPath: string, args: readonly string[] = [], env: Record<string, string> = {}): WindowsNode {
  const wine = inject('wine');
  if ('unavailable' in wine) throw new Error(`the Windows tests cannot run: ${wine.unavailable}`);
  const out = mkdtempSync(join(tmpdir(), 'pg-wine-run-'));
  const stdoutFile = join(out, 'stdout');
  const stderrFile = join(out, 'stderr');
  const fdOut = openSync(stdoutFile, 'w');
  const fdErr = openSync(stderrFile, 'w');
  const child = spawn('wine', [join(wine.dir, 'node', 'bin', 'node.exe'), windowsPath(scriptPath), ...args], {
    env: { ...wineEnvironment(wine.dir), ...env },
    stdio: ['ignore', fdOut, fdErr],
  });
  closeSync(fdOut);
  closeSync(fdErr);
  const read = (file: string) => readFileSync(file, 'utf8');
  const done = new Promise<WindowsRun>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const run = { code, signal, stdout: read(stdoutFile), stderr: read(stderrFile) };
      rmSync(out, { recursive: true, force: true });
      resolve(run);
    });
  });
  if (child.pid === undefined) throw new Error('wine did not start');
  return { pid: child.pid, done, output: () => read(stdoutFile) };
}

/** Runs a script to its end and returns the JSON it printed last, failing with its stderr otherwise. */
export async function runWindowsNode<T>(scriptPath: string, args: readonly string[] = [], env: Record<string, string> = {}): Promise<T> {
  const run = await startWindowsNode(scriptPath, args, env).done;
  const last = run.stdout.trim().split('\n').pop() ?? '';
  if (run.code !== 0 || last === '') throw new Error(`node.exe ${scriptPath} exited with ${run.code ?? run.signal}:\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(last) as T;
}

/** The Linux pids of processes whose command line (/proc/PID/cmdline) contains `token`. */
export function pidsWithToken(token: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'latin1');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ESRCH') continue; // exited meanwhile
      throw error;
    }
    if (cmdline.includes(token)) found.push(Number(entry));
  }
  return found;
}

/**
 * SIGKILLs, by pid, every process whose command line carries `token` (each Windows process under
 * Wine is a Linux process whose /proc/PID/cmdline is its Windows command line), and returns
 * their pids: a test asserts this is empty, after its own clean-up ran.
 */
export function killByToken(token: string): number[] {
  const pids = pidsWithToken(token);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
  return pids;
}
