// A faithful model of glibc's strtol(3)/strtoull(3) in the C locale, so that pg parses the
// LISTEN_* numbers exactly as libsystemd does (libsystemd's safe_atoi/safe_atollu call these).
// Modelled on glibc 2.36, the one libsystemd 252 runs against here: no C2X "0b" prefix in strtol
// itself (libsystemd strips "0b"/"0o" before calling it).

/** What strtol/strtoull leave behind: the value (already clamped on overflow), end index, ERANGE. */
export interface StrtoResult {
  readonly value: bigint;
  /** Index of the first unparsed character (C's `*endptr - nptr`). */
  readonly end: number;
  /** True when the C call would set errno to ERANGE. */
  readonly erange: boolean;
}

const U64_MAX = (1n << 64n) - 1n;
const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);

/** isspace() in the C locale: space, \t, \n, \v, \f, \r. Wider than libsystemd's WHITESPACE. */
function isCSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
}

/** Digit value of an ASCII character in bases up to 36, or -1. */
function digitValue(c: string | undefined): number {
  if (c === undefined) return -1;
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 90) return code - 55;
  if (code >= 97 && code <= 122) return code - 87;
  return -1;
}

function strto(s: string, base: number, signed: boolean): StrtoResult {
  let i = 0;
  while (isCSpace(s[i])) i++;
  let negative = false;
  if (s[i] === '-') {
    negative = true;
    i++;
  } else if (s[i] === '+') {
    i++;
  }
  if (s[i] === '0') {
    // "0x" switches to hex for base 0 and 16; otherwise base 0 with a leading zero means octal.
    if ((base === 0 || base === 16) && (s[i + 1] === 'x' || s[i + 1] === 'X')) {
      i += 2;
      base = 16;
    } else if (base === 0) {
      base = 8;
    }
  } else if (base === 0) {
    base = 10;
  }
  const start = i;
  let acc = 0n;
  for (;;) {
    const d = digitValue(s[i]);
    if (d < 0 || d >= base) break;
    acc = acc * BigInt(base) + BigInt(d);
    i++;
  }
  if (i === start) {
    // No digits. glibc points endptr back at the start, except after a "0x" with no hex digit,
    // where it points at the "x" (the "0" was a number).
    const afterHexPrefix = start >= 2 && (s[start - 1] === 'x' || s[start - 1] === 'X') && s[start - 2] === '0';
    return { value: 0n, end: afterHexPrefix ? start - 1 : 0, erange: false };
  }
  if (acc > U64_MAX) {
    // Overflow of the unsigned accumulator: every digit is still consumed.
    return { value: signed ? (negative ? I64_MIN : I64_MAX) : U64_MAX, end: i, erange: true };
  }
  if (signed) {
    if (negative ? acc > -I64_MIN : acc > I64_MAX) {
      return { value: negative ? I64_MIN : I64_MAX, end: i, erange: true };
    }
    return { value: negative ? -acc : acc, end: i, erange: false };
  }
  // strtoull negates in unsigned arithmetic: "-1" is 2^64 - 1 without ERANGE.
  return { value: negative ? BigInt.asUintN(64, -acc) : acc, end: i, erange: false };
}

/** glibc `strtol(s, &end, base)` on a 64-bit long. */
export function strtol(s: string, base: number): StrtoResult {
  return strto(s, base, true);
}

/** glibc `strtoull(s, &end, base)`. */
export function strtoull(s: string, base: number): StrtoResult {
  return strto(s, base, false);
}
