import { describe, expect, it } from 'vitest';
import { parsePsinfo, processFacts, PSINFO_MIN_SIZE, readPsinfo } from './psinfo.js';

/** A psinfo_t as a 64-bit x86 process reads it, with the fields at the offsets of sys/procfs.h. */
function psinfoBuffer(): Buffer {
  const buf = Buffer.alloc(416);
  buf.writeInt32LE(1240, 8); // pr_pid
  buf.writeInt32LE(1234, 12); // pr_ppid
  buf.writeInt32LE(1240, 16); // pr_pgid
  buf.writeInt32LE(1200, 20); // pr_sid
  buf.writeUInt32LE(101, 24); // pr_uid
  buf.writeUInt32LE(0, 28); // pr_euid
  buf.writeBigInt64LE(1_700_000_000n, 88); // pr_start.tv_sec
  buf.writeBigInt64LE(123_456_789n, 96); // pr_start.tv_nsec
  buf.write('sleep\0', 136, 'latin1'); // pr_fname
  buf.write('/usr/bin/sleep 100', 152, 'latin1'); // pr_psargs (NUL-padded)
  buf.writeInt32LE(3, 276); // pr_zoneid
  buf.writeInt32LE(57, 280); // pr_contract
  return buf;
}

describe('psinfo (issue 22.2)', () => {
  it('reads pid, ppid, the nanosecond start and the contract at the LP64 offsets', () => {
    expect(parsePsinfo(psinfoBuffer())).toEqual({
      pid: 1240, ppid: 1234, pgid: 1240, sid: 1200, uid: 101, euid: 0,
      startNs: 1_700_000_000_123_456_789n, zoneid: 3, contract: 57, fname: 'sleep', psargs: '/usr/bin/sleep 100',
    });
  });

  it('a buffer shorter than psinfo_t up to pr_lwp is EINVAL', () => {
    expect(() => parsePsinfo(Buffer.alloc(PSINFO_MIN_SIZE - 1))).toThrow(expect.objectContaining({ code: 'EINVAL' }));
  });

  it.runIf(process.platform !== 'sunos')('off illumos there is no psinfo: a process procfs does not show is undefined, not an error', () => {
    expect(readPsinfo(process.pid)).toBeUndefined();
    expect(() => readPsinfo(0)).toThrow(TypeError);
  });

  it('the clock reading is never earlier than Date.now()', () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    expect(processFacts.nowNs()).toBeGreaterThan(before);
    expect(processFacts.maySignal(process.pid)).toBe(true);
  });
});
