import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { ContractError } from '../errors.js';

/** The commands illumos ships for contracts, by absolute path (never looked up in PATH). */
export const TOOLS = Object.freeze({
  ctrun: '/usr/bin/ctrun',
  ctstat: '/usr/bin/ctstat',
  pgrep: '/usr/bin/pgrep',
  pkill: '/usr/bin/pkill',
});
export type Tool = keyof typeof TOOLS;

/** What a command printed and how it exited. */
export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a contract tool with an argument array (never a shell string) and `LC_ALL=C`, so its
 * output is the C locale's that the parsers expect. A non-zero exit is returned, not thrown:
 * `pgrep`/`pkill` exit 1 for "nothing matched". Failing to start throws ContractError `'ECOMMAND'`.
 */
export function runTool(tool: Tool, args: readonly string[]): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(TOOLS[tool], args, { env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error === null) return resolve({ exitCode: 0, stdout, stderr });
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'number') return resolve({ exitCode: code, stdout, stderr });
      reject(new ContractError(`${TOOLS[tool]} could not run: ${error.message}`, 'ECOMMAND', tool, { cause: error }));
    });
  });
}

/** Whether every tool in `tools` exists and is executable; the first missing one otherwise. */
export async function missingTool(tools: readonly Tool[]): Promise<string | undefined> {
  for (const tool of tools) {
    try {
      await access(TOOLS[tool], constants.X_OK);
    } catch {
      return TOOLS[tool];
    }
  }
  return undefined;
}
