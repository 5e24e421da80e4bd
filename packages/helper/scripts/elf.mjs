// What a prebuilt pg-helper must be, read from its ELF headers (elf(5)): the machine its
// package claims (e_machine) and statically linked (no PT_INTERP program header, so no dynamic
// loader: one binary for glibc and musl systems alike).
import { closeSync, openSync, readSync } from 'node:fs';

/** ELF e_machine of each npm `cpu` a platform package can name. */
export const ELF_MACHINES = { x64: 62, arm64: 183 };

const PT_INTERP = 3;

/**
 * `{ machine, cpu, static }` of a 64-bit little-endian ELF file (`cpu` is the npm name of its
 * machine, undefined for others); throws an Error saying what it is not.
 */
export function readElf(path) {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(64);
    if (readSync(fd, header, 0, 64, 0) < 64 || header.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${path} is not an ELF file`);
    if (header[4] !== 2 || header[5] !== 1) throw new Error(`${path} is not a 64-bit little-endian ELF file`);
    const machine = header.readUInt16LE(18);
    const phoff = Number(header.readBigUInt64LE(32));
    const phentsize = header.readUInt16LE(54);
    const phnum = header.readUInt16LE(56);
    const table = Buffer.alloc(phentsize * phnum);
    readSync(fd, table, 0, table.length, phoff);
    let interp = false;
    for (let i = 0; i < phnum; i++) if (table.readUInt32LE(i * phentsize) === PT_INTERP) interp = true;
    const cpu = Object.keys(ELF_MACHINES).find((name) => ELF_MACHINES[name] === machine);
    return { machine, cpu, static: !interp };
  } finally {
    closeSync(fd);
  }
}
