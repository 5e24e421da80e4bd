/**
 * The spawner's requests, encoded as its C side reads them (packages/helper/README.md, "Spawner
 * protocol"): NUL-terminated fields in one SOCK_SEQPACKET message, the leader's fds attached.
 */

/** What one `spawn` request carries, the fds aside. */
export interface SpawnFields {
  readonly id: number;
  /** Leave the group running when the owner dies (else the spawner kills its cgroup). */
  readonly keep: boolean;
  /** The cgroup v2 directory to create the leader in (clone3), or undefined. */
  readonly cgroupDir: string | undefined;
  readonly cwd: string | undefined;
  /** For each passed fd, in order, the fd number the leader gets it at. */
  readonly targets: readonly number[];
  /** Absolute path: the spawner uses execve, not a PATH search. */
  readonly file: string;
  /** argv, argv[0] included. */
  readonly argv: readonly string[];
  /** `NAME=value` strings. */
  readonly env: readonly string[];
}

const field = (s: string): string => {
  if (s.includes('\0')) throw new TypeError(`a spawner request field cannot contain NUL: ${JSON.stringify(s.slice(0, 60))}`);
  return `${s}\0`;
};

/** `spawn ID FLAGS CGROUP CWD TARGETS FILE ARGC ARGV... ENVC ENV...`, every field NUL-terminated. */
export function encodeSpawn(r: SpawnFields): Buffer {
  const parts = [
    'spawn',
    String(r.id),
    r.keep ? 'k' : '',
    r.cgroupDir ?? '',
    r.cwd ?? '',
    r.targets.join(','),
    r.file,
    String(r.argv.length),
    ...r.argv,
    String(r.env.length),
    ...r.env,
  ];
  return Buffer.from(parts.map(field).join(''));
}

/** `release ID`: the owner is done with the group; the spawner forgets it. */
export function encodeRelease(id: number): Buffer {
  return Buffer.from(`release\0${id}\0`);
}

/** `NAME=value` strings of an environment, as execve takes them (undefined values left out). */
export function envStrings(env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(env)) if (value !== undefined) out.push(`${name}=${value}`);
  return out;
}
