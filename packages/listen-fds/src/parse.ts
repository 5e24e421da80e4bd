// Parsers for the LISTEN_* variables, with libsystemd's exact semantics (sd-daemon.c and
// parse-util.c; docs/socket-activation.md#number-parsing): what they accept, and which errno they return.
import { strtol, strtoull } from './c-number.js';

/** A parsed value, or the errno name libsystemd returns for the same input. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: 'EINVAL' | 'ERANGE' };

/** The first descriptor passed by the protocol (`SD_LISTEN_FDS_START`). */
export const LISTEN_FDS_START = 3;

const INT_MAX = 2 ** 31 - 1;

// libsystemd's WHITESPACE: the characters it skips itself before looking for a "0b"/"0o" prefix.
// strtol then skips C isspace() again, which also covers \v and \f.
const WHITESPACE = ' \t\n\r';

function skipWhitespace(s: string): string {
  let i = 0;
  while (i < s.length && WHITESPACE.includes(s[i] as string)) i++;
  return s.slice(i);
}

/** libsystemd's mangle_base(): a Python-style "0b"/"0o" prefix picks base 2/8; else base 0. */
function mangleBase(s: string): { rest: string; base: number } {
  const p = s.slice(0, 2);
  if (p === '0b' || p === '0B') return { rest: s.slice(2), base: 2 };
  if (p === '0o' || p === '0O') return { rest: s.slice(2), base: 8 };
  return { rest: s, base: 0 };
}

const EINVAL = { ok: false, error: 'EINVAL' } as const;
const ERANGE = { ok: false, error: 'ERANGE' } as const;

/** libsystemd `safe_atoi()`: a C int, with prefixes, leading whitespace and a sign. */
export function safeAtoi(input: string): Parsed<number> {
  const { rest, base } = mangleBase(skipWhitespace(input));
  const r = strtol(rest, base);
  if (r.erange) return ERANGE;
  if (r.end === 0 || r.end !== rest.length) return EINVAL;
  if (r.value > BigInt(INT_MAX) || r.value < -BigInt(INT_MAX) - 1n) return ERANGE;
  return { ok: true, value: Number(r.value) };
}

/** libsystemd `safe_atollu()` / `safe_atou64()`: unsigned 64-bit; a minus sign is ERANGE unless the value is 0. */
export function safeAtou64(input: string): Parsed<bigint> {
  const { rest, base } = mangleBase(skipWhitespace(input));
  const r = strtoull(rest, base);
  if (r.erange) return ERANGE;
  if (r.end === 0 || r.end !== rest.length) return EINVAL;
  // Only a '-' right at the start of what strtoull saw counts: "\v-1" slips through as 2^64 - 1,
  // exactly as in C.
  if (r.value !== 0n && rest[0] === '-') return ERANGE;
  return { ok: true, value: r.value };
}

/** `LISTEN_PID` as libsystemd's parse_pid(): an unsigned long that must survive a cast to pid_t and be > 0. */
export function parsePid(input: string): Parsed<number> {
  const r = safeAtou64(input);
  if (!r.ok) return r;
  const pid = BigInt.asIntN(32, r.value);
  if (BigInt.asUintN(64, pid) !== r.value || pid <= 0n) return ERANGE;
  return { ok: true, value: Number(pid) };
}

/** `LISTEN_FDS`: a C int in 1 .. INT_MAX - 3 (so that the last fd number fits an int). */
export function parseFdCount(input: string): Parsed<number> {
  const r = safeAtoi(input);
  if (!r.ok) return r;
  if (r.value <= 0 || r.value > INT_MAX - LISTEN_FDS_START) return EINVAL;
  return r;
}

/** `LISTEN_PIDFDID` (systemd v259): an unsigned 64-bit integer, as safe_atou64(). */
export function parsePidfdId(input: string): Parsed<bigint> {
  return safeAtou64(input);
}

/**
 * `LISTEN_FDNAMES` as libsystemd splits it (`strv_split_full(":", EXTRACT_DONT_COALESCE_SEPARATORS)`):
 * every `:` separates, so `""` is one empty name, `":"` two and `"a::"` three; a backslash takes
 * the next character literally (`\:` is `:`, `\n` is `n`); a trailing lone backslash is EINVAL.
 */
export function splitNames(input: string): Parsed<string[]> {
  const names: string[] = [];
  let current = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i] as string;
    if (c === '\\') {
      i++;
      if (i >= input.length) return EINVAL;
      current += input[i];
    } else if (c === ':') {
      names.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  names.push(current);
  return { ok: true, value: names };
}
