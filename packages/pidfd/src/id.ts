import { fstatSync } from 'node:fs';
import { constants } from 'node:os';
import { PidfdError, syscallError } from './errors.js';
import { checkFd } from './fd-check.js';
import { libc } from './ffi.js';

/** `AT_EMPTY_PATH`: name_to_handle_at describes `dirfd` itself. */
const AT_EMPTY_PATH = 0x1000;
/** `MAX_HANDLE_SZ` from <linux/exportfs.h>. */
const MAX_HANDLE_SZ = 128;
/** `FILEID_KERNFS`-style type pidfs uses for its handles (0xfe), docs/linux.md#pidfd-id. */
const PIDFS_HANDLE_TYPE = 0xfe;
/** `PID_FS_MAGIC` ("PIDF") as `statfs.f_type` reports it. */
const PIDFS_MAGIC = 0x50494446n;

/**
 * The 64-bit **pidfd id** of an open pidfd: the pidfs inode number of the process, unique for the
 * boot and unchanged across execve (what systemd's `LISTEN_PIDFDID` carries).
 *
 * How: `name_to_handle_at(fd, "", …, AT_EMPTY_PATH)` (pidfs file handles, Linux 6.14) whose
 * handle's first 8 bytes are the inode; where file handles are missing but pidfds live on pidfs
 * (Linux 6.9..6.13), `fstat(fd).st_ino`, which is the same 64-bit value on 64-bit platforms.
 * Before pidfs (< 6.9) every pidfd shares one anonymous inode and no id exists.
 *
 * @throws PidfdError `'EUNSUPPORTED'` when neither works, `'EBADF'` for a closed fd, `'EINVAL'` when
 * the fd is not a pidfd, `'EFFI'` when koffi cannot load.
 */
export function pidfdIdOf(fd: number): bigint {
  checkFd(fd);
  const f = libc();
  const handle = Buffer.alloc(8 + MAX_HANDLE_SZ);
  // struct file_handle { u32 handle_bytes; s32 handle_type; u8 f_handle[]; }: handle_bytes in is the room.
  handle.writeUInt32LE(MAX_HANDLE_SZ, 0);
  const mountId = Buffer.alloc(4);
  if (f.name_to_handle_at(fd, '', handle, mountId, AT_EMPTY_PATH) === 0) {
    const bytes = handle.readUInt32LE(0);
    const type = handle.readInt32LE(4);
    if (type === PIDFS_HANDLE_TYPE && bytes >= 8) return handle.readBigUInt64LE(8);
    throw new PidfdError(`fd ${fd} is not a pidfd (its file handle has type ${type})`, 'EINVAL', 'name_to_handle_at');
  }
  const errno = f.errno();
  if (errno === constants.errno.EBADF) throw syscallError('name_to_handle_at', errno, `fd ${fd}`);
  // EOPNOTSUPP (pidfs before 6.14, or anon_inode pidfds) and friends: try the inode.
  return inodeFallback(fd);
}

function inodeFallback(fd: number): bigint {
  const f = libc();
  const buf = Buffer.alloc(256); // struct statfs is 120 bytes on x86_64 and aarch64
  if (f.fstatfs(fd, buf) !== 0) throw syscallError('fstatfs', f.errno(), `fd ${fd}`);
  // f_type is the first field, a 64-bit long on the 64-bit ABIs we support (little-endian).
  if (buf.readBigUInt64LE(0) !== PIDFS_MAGIC) {
    throw new PidfdError(
      `no pidfd id for fd ${fd}: pidfds are not on pidfs here (Linux < 6.9) and pidfs file handles (6.14) are missing`,
      'EUNSUPPORTED',
      'name_to_handle_at',
    );
  }
  // st_ino is 64-bit wherever Node runs 64-bit; a 32-bit ino_t would truncate the id.
  if (process.arch !== 'x64' && process.arch !== 'arm64') {
    throw new PidfdError(`no pidfd id: ino_t may be 32-bit on ${process.arch}`, 'EUNSUPPORTED', 'fstat');
  }
  try {
    return fstatSync(fd, { bigint: true }).ino;
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'EIO';
    throw new PidfdError(`fstat on fd ${fd} failed: ${code}`, code, 'fstat', { cause });
  }
}
