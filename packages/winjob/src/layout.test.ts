import { describe, expect, it } from 'vitest';
import {
  decodeAccounting,
  decodeExtendedLimits,
  decodeProcessEntry,
  decodeProcessIdList,
  decodeProcessInformation,
  encodeCompletionPort,
  encodeExtendedLimits,
  encodeStartupInfo,
  environmentBlock,
  Limit,
  processIdListSize,
  PROCESSENTRY32W_SIZE,
} from './layout.js';

// Offsets checked against the 64-bit Windows SDK struct layouts (docs/windows.md, "Struct layouts").
describe('struct layouts (64-bit Windows)', () => {
  it('extended limits: flags at 16, ActiveProcessLimit at 40, JobMemoryLimit at 120, 144 bytes', () => {
    const b = encodeExtendedLimits({ flags: Limit.KillOnJobClose | Limit.ActiveProcess | Limit.JobMemory, activeProcesses: 7, jobMemory: 2 ** 33 });
    expect(b.length).toBe(144);
    expect(b.readUInt32LE(16)).toBe(0x2208);
    expect(b.readUInt32LE(40)).toBe(7);
    expect(b.readBigUInt64LE(120)).toBe(2n ** 33n);
    expect(decodeExtendedLimits(b)).toMatchObject({ flags: 0x2208, activeProcesses: 7, jobMemory: 2 ** 33 });
  });

  it('process id list: counts then 8-byte pids, a short list reported by its header', () => {
    const b = Buffer.alloc(processIdListSize(2));
    b.writeUInt32LE(3, 0);
    b.writeUInt32LE(2, 4);
    b.writeBigUInt64LE(100n, 8);
    b.writeBigUInt64LE(204n, 16);
    expect(decodeProcessIdList(b)).toEqual({ assigned: 3, pids: [100, 204] });
  });

  it('accounting: 100 ns units to microseconds, counts at 36, 40, 44', () => {
    const b = Buffer.alloc(48);
    b.writeBigInt64LE(25_000_000n, 0);
    b.writeBigInt64LE(10n, 8);
    b.writeUInt32LE(5, 36);
    b.writeUInt32LE(2, 40);
    b.writeUInt32LE(1, 44);
    expect(decodeAccounting(b)).toEqual({ userMicros: 2_500_000, kernelMicros: 1, totalProcesses: 5, activeProcesses: 2, terminatedProcesses: 1 });
  });

  it('completion port association, startup info and process information', () => {
    const port = encodeCompletionPort(9, 0x1234);
    expect([port.readBigUInt64LE(0), port.readBigInt64LE(8)]).toEqual([9n, 0x1234n]);
    const si = encodeStartupInfo(0x10, 0x14, -1);
    expect(si.length).toBe(104);
    expect([si.readUInt32LE(0), si.readUInt32LE(60), si.readBigInt64LE(80), si.readBigInt64LE(88), si.readBigInt64LE(96)]).toEqual([104, 0x100, 0x10n, 0x14n, -1n]);
    const pi = Buffer.alloc(24);
    pi.writeBigInt64LE(0x44n, 0);
    pi.writeBigInt64LE(0x48n, 8);
    pi.writeUInt32LE(1234, 16);
    expect(decodeProcessInformation(pi)).toEqual({ process: 0x44, thread: 0x48, pid: 1234 });
  });

  it('PROCESSENTRY32W: pid at 8, parent at 32, the file name at 44', () => {
    const b = Buffer.alloc(PROCESSENTRY32W_SIZE);
    b.writeUInt32LE(77, 8);
    b.writeUInt32LE(12, 32);
    b.write('ping.exe\0', 44, 'utf16le');
    expect(decodeProcessEntry(b)).toEqual({ pid: 77, ppid: 12, exe: 'ping.exe' });
  });
});

describe('environmentBlock', () => {
  it('sorts names without regard to case and ends with an empty entry', () => {
    const block = environmentBlock({ b: '2', Path: 'x', A: '1', skip: undefined });
    expect(block.toString('utf16le')).toBe('A=1\0b=2\0Path=x\0\0');
  });

  it('an empty environment is two NULs', () => {
    expect(environmentBlock({}).toString('utf16le')).toBe('\0\0');
  });
});
