import { constants } from 'node:os';

/** One line from the helper's control fd, decoded. */
export type StatusLine =
  | { kind: 'started'; pid: number; pidfdId: bigint }
  | { kind: 'exec-failed'; code: string }
  | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'clone3-failed'; code: string }
  | { kind: 'error'; text: string }
  | { kind: 'unknown'; line: string };

/** Decode one status line (without its '\n'). Never throws: what is not understood is 'unknown'. */
export function parseStatusLine(line: string): StatusLine {
  let m: RegExpExecArray | null;
  if ((m = /^started (\d+) (\d+)$/.exec(line))) return { kind: 'started', pid: Number(m[1]), pidfdId: BigInt(m[2] as string) };
  if ((m = /^exec-failed (E[A-Z0-9]+)$/.exec(line))) return { kind: 'exec-failed', code: m[1] as string };
  if ((m = /^exit code (\d+)$/.exec(line))) return { kind: 'exit', code: Number(m[1]), signal: null };
  if ((m = /^exit signal (\d+)$/.exec(line))) return { kind: 'exit', code: null, signal: signalName(Number(m[1])) };
  if ((m = /^error clone3 (E[A-Z0-9]+)$/.exec(line))) return { kind: 'clone3-failed', code: m[1] as string };
  if ((m = /^error (.*)$/.exec(line))) return { kind: 'error', text: m[1] as string };
  return { kind: 'unknown', line };
}

function signalName(n: number): NodeJS.Signals | null {
  for (const [name, value] of Object.entries(constants.signals)) if (value === n) return name as NodeJS.Signals;
  return null;
}

/** The helper's lines are short; a longer partial line is garbage and is dropped. */
const MAX_PARTIAL = 64 * 1024;

/** Splits a stream of decoded text into '\n'-terminated lines; a partial line waits for the next chunk. */
export class LineSplitter {
  #partial = '';

  push(chunk: string): string[] {
    const parts = (this.#partial + chunk).split('\n');
    const rest = parts.pop() ?? '';
    this.#partial = rest.length > MAX_PARTIAL ? '' : rest;
    return parts;
  }
}
