// pg's listenFds() against libsystemd 252's sd_listen_fds_with_names() itself, run in the same
// child process on the same environments and the same descriptor table. Any difference in the
// result, the error code, the environment left behind or the close-on-exec flags fails.
// LISTEN_PIDFDID is left out: libsystemd 252 predates it (docs/socket-activation.md#libsystemd-252).
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const FIXTURE = new URL('../fixtures/listen-fds-compare.mjs', import.meta.url).pathname;
const PASSED = [3, 4, 5, 6, 7, 8];

type Env = { LISTEN_PID?: string; LISTEN_FDS?: string; LISTEN_FDNAMES?: string };
type Case = { env: Env; unset: boolean };
type Side = { r: number | string; names: string[] | null; fds: number[]; env: Record<string, string | null>; cloexec: string[] };
type Output = { pid: number; envShared: boolean; results: { before: string[]; pg: Side; sd: Side }[] };

/** Run the cases in one child that has six descriptors at 3..8, minus `close`. */
async function compare(cases: Case[], close: number[] = []): Promise<Output> {
  const dir = mkdtempSync(join(tmpdir(), 'listen-fds-compare-'));
  const fds = PASSED.map(() => openSync('/dev/null', 'r'));
  try {
    const file = join(dir, 'cases.json');
    writeFileSync(file, JSON.stringify({ cases, passed: PASSED, close }));
    const env = { ...process.env };
    for (const name of ['LISTEN_PID', 'LISTEN_FDS', 'LISTEN_FDNAMES', 'LISTEN_PIDFDID']) delete env[name];
    const child = spawn(process.execPath, [FIXTURE, file], { stdio: ['ignore', 'pipe', 'pipe', ...fds], env });
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`compare fixture exited ${code}: ${err}`);
    return JSON.parse(out) as Output;
  } finally {
    for (const fd of fds) closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every case where pg and libsystemd differ, with its environment, for a readable failure. */
function differences(cases: Case[], out: Output) {
  return out.results.flatMap((res, i) => {
    const { pg, sd } = res;
    return JSON.stringify(pg) === JSON.stringify(sd) ? [] : [{ case: cases[i], pg, sd }];
  });
}

const NUMBERS = [
  '1', '2', '6', '7', '0', '-0', '+0', '-1', '', ' ', '\t', ' 2', '\t2', '\n2', '\r2', '\v2', '\f2',
  '2 ', '2\t', '+2', '++2', '-+2', '+-2', '0x2', '0X2', '+0x2', '-0x2', '0x', '0x ', '0xg', '0b10',
  '0B10', '0b', '0b 10', '0b+10', '0b-10', '+0b10', ' 0b10', '\v0b10', '0o2', '0O2', '0o', '0o 2',
  '02', '002', '08', '09', '0', '00', '2x', '1e1', '2147483644', '2147483645', '2147483647',
  '2147483648', '4294967298', '-2147483648', '-2147483649', '9223372036854775807',
  '9223372036854775808', '18446744073709551615', '18446744073709551616', '99999999999999999999x',
  '0x7ffffffc', '0x100000002', '0b11111111111111111111111111111101', 'two', '٢',
];
const PIDS = [
  '{PID}', ' {PID}', '\t{PID}', '\v{PID}', '+{PID}', '{PID} ', '0{PIDOCT}', '0o{PIDOCT}', '0x{PIDHEX}',
  '0b{PIDBIN}', '0{PID}', '-{PID}', '1', '0', '-0', '+0', '0x0', '-1', '', ' ', 'abc',
  '2147483647', '2147483648', '4294967297', '18446744073709551615', '18446744073709551616',
];
const NAMES = [
  undefined, '', ':', '::', 'a', 'a:b', 'a::', ':a', 'a\\:b', 'a\\:b:c', 'a\\', '\\', '\\\\', 'a\\b',
  '\\n:x', 'http:https', 'x:y:z:w:v:u', 'x:y:z:w:v:u:t', ' a : b ', 'é:ü', 'unknown:stored',
];

describe('listenFds() matches libsystemd 252 sd_listen_fds_with_names()', () => {
  it('on a table of edge cases', async () => {
    const cases: Case[] = [];
    for (const fds of NUMBERS) for (const unset of [true, false]) cases.push({ env: { LISTEN_PID: '{PID}', LISTEN_FDS: fds }, unset });
    for (const pid of PIDS) for (const unset of [true, false]) cases.push({ env: { LISTEN_PID: pid, LISTEN_FDS: '2' }, unset });
    for (const names of NAMES) {
      for (const n of ['1', '2', '3', '6', '7']) cases.push({ env: { LISTEN_PID: '{PID}', LISTEN_FDS: n, LISTEN_FDNAMES: names }, unset: true });
      // Names are split before the pid is looked at: a trailing backslash fails even here.
      cases.push({ env: { LISTEN_FDNAMES: names }, unset: true });
      cases.push({ env: { LISTEN_PID: '1', LISTEN_FDS: '2', LISTEN_FDNAMES: names }, unset: true });
    }
    cases.push({ env: { LISTEN_PID: '{PID}' }, unset: true });
    cases.push({ env: { LISTEN_FDS: '2' }, unset: true });
    cases.push({ env: {}, unset: true });
    const out = await compare(cases);
    expect(out.envShared).toBe(true);
    expect(out.results).toHaveLength(cases.length);
    expect(differences(cases, out)).toEqual([]);
    // The table reaches every outcome, so a wrong parser would show.
    const outcomes = new Set(out.results.map((r) => String(r.sd.r)));
    for (const o of ['0', '1', '2', '6', 'EINVAL', 'ERANGE']) expect(outcomes).toContain(o);
  });

  it('with closed descriptors in the promised range (EBADF, and the flags set before it)', async () => {
    const cases: Case[] = [];
    for (const fds of ['1', '2', '3', '4', '6', '0x3', '2147483644']) {
      for (const unset of [true, false]) cases.push({ env: { LISTEN_PID: '{PID}', LISTEN_FDS: fds, LISTEN_FDNAMES: 'a:b:c' }, unset });
    }
    for (const close of [[5], [3], [4, 7]]) {
      const out = await compare(cases, close);
      expect(differences(cases, out)).toEqual([]);
      expect(out.results.some((r) => r.sd.r === 'EBADF')).toBe(true);
      for (const fd of close) expect(out.results[0]?.before[fd - 3]).toBe('closed');
    }
  });

  it('on several thousand generated environments', async () => {
    const seed = Number(process.env.LISTEN_FDS_SEED ?? Date.now() % 2 ** 31);
    const random = mulberry32(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const cases: Case[] = [];
    const count = Number(process.env.LISTEN_FDS_CASES ?? 6000);
    for (let i = 0; i < count; i++) {
      const env: Env = {};
      if (random() < 0.9) env.LISTEN_PID = random() < 0.7 ? pick(PIDS.slice(0, 11)) : random() < 0.5 ? pick(PIDS) : number(random, pick);
      if (random() < 0.9) env.LISTEN_FDS = random() < 0.3 ? pick(NUMBERS) : number(random, pick);
      if (random() < 0.7) env.LISTEN_FDNAMES = names(random, pick);
      cases.push({ env, unset: random() < 0.7 });
    }
    const half = cases.length / 2;
    const [a, b] = await Promise.all([compare(cases.slice(0, half)), compare(cases.slice(half), [6])]);
    const diffs = [...differences(cases.slice(0, half), a), ...differences(cases.slice(half), b)];
    expect({ seed, diffs: diffs.slice(0, 5), count: diffs.length }).toEqual({ seed, diffs: [], count: 0 });
    const successes = [...a.results, ...b.results].filter((r) => typeof r.sd.r === 'number' && r.sd.r > 0).length;
    expect(successes).toBeGreaterThan(100);
  });
});

/** A number-like string: whitespace, signs, base prefixes, digits and trailing junk, mixed. */
function number(random: () => number, pick: <T>(xs: readonly T[]) => T): string {
  const ws = ['', '', '', ' ', '\t', '\n', '\r', '\v', '\f', '  '];
  const sign = ['', '', '', '+', '-'];
  const prefix = ['', '', '', '0', '0x', '0X', '0b', '0B', '0o', '0O', '00'];
  const tail = ['', '', '', '', ' ', 'x', '\t', '8', 'z'];
  let digits = '';
  if (random() < 0.6) {
    const n = 1 + Math.floor(random() * 8);
    digits = pick([n.toString(10), n.toString(16), n.toString(8), n.toString(2)]);
  } else {
    const alphabet = '0123456789abcdefABxX';
    const len = Math.floor(random() * 22);
    for (let i = 0; i < len; i++) digits += alphabet[Math.floor(random() * alphabet.length)];
  }
  let s = pick(ws) + pick(sign) + pick(prefix);
  if (random() < 0.2) s += pick(ws) + pick(sign);
  return s + digits + pick(tail);
}

/** A name list: letters, separators, escapes and empties. */
function names(random: () => number, pick: <T>(xs: readonly T[]) => T): string {
  const parts = ['a', 'b', 'web', ':', ':', '\\', '\\:', '\\\\', ' ', 'é', ''];
  const len = Math.floor(random() * 9);
  let s = '';
  for (let i = 0; i < len; i++) s += pick(parts);
  return s;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
