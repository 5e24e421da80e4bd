import { constants } from 'node:os';

/** One line the spawner writes on its fd 1, decoded. */
export type SpawnerReply =
  | { kind: 'spawned'; id: number; pid: number; pidfdId: bigint; startTime: string }
  | { kind: 'failed'; id: number; stage: string; code: string }
  | { kind: 'exit'; id: number; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'error'; text: string }
  | { kind: 'unknown'; line: string };

/** Decode one reply line (without its '\n'). Never throws: what is not understood is 'unknown'. */
export function parseReply(line: string): SpawnerReply {
  let m: RegExpExecArray | null;
  if ((m = /^spawned (\d+) (\d+) (\d+) (\d+)$/.exec(line))) return { kind: 'spawned', id: Number(m[1]), pid: Number(m[2]), pidfdId: BigInt(m[3] as string), startTime: m[4] as string };
  if ((m = /^failed (\d+) ([a-z0-9]+) (E[A-Z0-9]+)$/.exec(line))) return { kind: 'failed', id: Number(m[1]), stage: m[2] as string, code: m[3] as string };
  if ((m = /^exit (\d+) code (\d+)$/.exec(line))) return { kind: 'exit', id: Number(m[1]), code: Number(m[2]), signal: null };
  if ((m = /^exit (\d+) signal (\d+)$/.exec(line))) return { kind: 'exit', id: Number(m[1]), code: null, signal: signalName(Number(m[2])) };
  if ((m = /^error (.*)$/.exec(line))) return { kind: 'error', text: m[1] as string };
  return { kind: 'unknown', line };
}

function signalName(n: number): NodeJS.Signals | null {
  for (const [name, value] of Object.entries(constants.signals)) if (value === n) return name as NodeJS.Signals;
  return null;
}
