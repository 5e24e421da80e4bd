// The listen-address syntax of `activate()` and `pg activate -l`: one string per socket, close to
// systemd's ListenStream=/ListenDatagram= and systemd-socket-activate's -l.
import { isIP } from 'node:net';

/** A parsed listen address. `host: null` means every local address (dual-stack `[::]` where IPv6 exists). */
export type ListenAddress =
  | { readonly transport: 'tcp' | 'udp'; readonly host: string | null; readonly port: number }
  | { readonly transport: 'unix' | 'unix-dgram' | 'unix-seqpacket'; readonly path: string; readonly abstract: boolean };

// sun_path is 108 bytes: 107 for a path plus its NUL; an abstract name has no NUL but a leading one.
const SUN_PATH_MAX = 107;

const SCHEMES = ['tcp', 'udp', 'unix', 'unix-dgram', 'unix-seqpacket'] as const;

/**
 * Parse a listen address:
 * - `8080` or `:8080`: TCP on every local address (IPv6 dual-stack `[::]`, or `0.0.0.0` without IPv6);
 * - `127.0.0.1:8080`, `[::1]:8080`, `[::]:8080`: TCP on one IP literal (no DNS names);
 * - `/run/app.sock` (any absolute path): a Unix stream socket; `@name`: a Linux abstract socket;
 * - a `tcp:`, `udp:`, `unix:`, `unix-dgram:` or `unix-seqpacket:` prefix picks the transport:
 *   `udp:127.0.0.1:53`, `udp:5353`, `unix-dgram:/run/log.sock`, `unix-seqpacket:@ctl`.
 * Port 0 asks the kernel for a free port. Relative Unix paths are refused (the child may have
 * another working directory). An abstract name is bound with its exact length, as systemd does;
 * Node 20's own `net` pads abstract names to 108 bytes, so a Node 20 client cannot reach `@name`
 * (use a path socket between Node 20 peers).
 * @throws TypeError naming the address and what was expected.
 */
export function parseListenAddress(input: string): ListenAddress {
  if (typeof input !== 'string') throw new TypeError(`listen address must be a string, got ${typeof input}`);
  let rest = input;
  let scheme: (typeof SCHEMES)[number] | undefined;
  for (const s of SCHEMES) {
    if (rest.startsWith(`${s}:`)) {
      scheme = s;
      rest = rest.slice(s.length + 1);
      break;
    }
  }
  if (rest.startsWith('/') || rest.startsWith('@')) {
    if (scheme === 'tcp' || scheme === 'udp') throw bad(input, `${scheme}: needs HOST:PORT or PORT, not a path`);
    return unixAddress(input, rest, scheme ?? 'unix');
  }
  if (scheme !== undefined && scheme !== 'tcp' && scheme !== 'udp') throw bad(input, `${scheme}: needs an absolute path or @name`);
  return inetAddress(input, rest, scheme ?? 'tcp');
}

function unixAddress(input: string, rest: string, transport: 'unix' | 'unix-dgram' | 'unix-seqpacket'): ListenAddress {
  const abstract = rest.startsWith('@');
  const path = abstract ? rest.slice(1) : rest;
  if (path.length === 0) throw bad(input, 'an empty socket name');
  if (path.includes('\0')) throw bad(input, 'no NUL byte in a socket path');
  if (Buffer.byteLength(path) > SUN_PATH_MAX) throw bad(input, `a socket path of at most ${SUN_PATH_MAX} bytes`);
  return { transport, path, abstract };
}

function inetAddress(input: string, rest: string, transport: 'tcp' | 'udp'): ListenAddress {
  let host: string | null = null;
  let portText = rest;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0 || rest[close + 1] !== ':') throw bad(input, '[IPv6]:PORT');
    host = rest.slice(1, close);
    portText = rest.slice(close + 2);
    if (isIP(host) !== 6) throw bad(input, `an IPv6 literal inside [], not ${JSON.stringify(host)}`);
  } else if (rest.includes(':')) {
    const colon = rest.lastIndexOf(':');
    host = rest.slice(0, colon) === '' ? null : rest.slice(0, colon);
    portText = rest.slice(colon + 1);
    if (host !== null && isIP(host) !== 4) throw bad(input, `an IPv4 literal before the port (IPv6 goes in []), not ${JSON.stringify(host)}`);
  }
  if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) > 65535) throw bad(input, `a port number 0..65535, not ${JSON.stringify(portText)}`);
  return { transport, host, port: Number(portText) };
}

function bad(input: string, expected: string): TypeError {
  return new TypeError(`listen address ${JSON.stringify(input)} is invalid: expected ${expected}`);
}

/** The address in the syntax {@link parseListenAddress} reads (`tcp:` is left out as the default). */
export function formatListenAddress(a: ListenAddress): string {
  if ('port' in a) {
    const host = a.host === null ? '' : a.host.includes(':') ? `[${a.host}]` : a.host;
    return `${a.transport === 'udp' ? 'udp:' : ''}${host}:${a.port}`;
  }
  const prefix = a.transport === 'unix' ? '' : `${a.transport}:`;
  return `${prefix}${a.abstract ? '@' : ''}${a.path}`;
}
