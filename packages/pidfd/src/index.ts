/**
 * `@pg/pidfd`: Linux pidfds for Node through koffi. koffi is loaded on first use, never at import;
 * when it cannot load every call throws PidfdError `'EFFI'`. Linux only (x86_64, aarch64 syscall
 * numbers); elsewhere calls throw `'EUNSUPPORTED'`.
 */
export { PidfdError } from './errors.js';
export { Pidfd, pidfdOpen, pidfdSelf } from './pidfd.js';
export { pidfdIdOf } from './id.js';
export { ownPidfdId } from './own-id.js';
export type { PidfdInfo, PidfdCreds } from './info.js';
export { setChildSubreaper, isChildSubreaper, reapNoHang } from './subreaper.js';
export { setCloexec, isCloexec } from './cloexec.js';
export { checkSignalNumber, signalName, decodeWaitStatus, type ExitStatus } from './signals.js';
export { signalIfMember, type MemberSignalResult } from './member-signal.js';
export { pidfdIdLookup } from './lookup.js';
