import { describe, expect, it } from 'vitest';
import { bindLibcontract, type KoffiLike, type LibraryLike } from './ffi.js';
import { signalContractWith } from './sigsend.js';

/**
 * A FAKE koffi and libc: each function sets the thread's errno as C does, and any call may
 * change errno (here `___errno` itself clears it, as a call in between can), which is why errno
 * must be read at once, with koffi.errno(), and not by a second FFI call.
 */
function fakeKoffi(results: Record<string, [number, number]>) {
  let errno = 0;
  const koffi = { errno: () => errno, decode: () => errno } as unknown as KoffiLike;
  const library: LibraryLike = {
    func(prototype) {
      const name = /(\w+)\(/.exec(prototype)?.[1] ?? '';
      return () => {
        if (name === '___errno') {
          errno = 0;
          return 1n;
        }
        const [result, setErrno] = results[name] ?? [0, 0];
        errno = setErrno;
        return result;
      };
    },
  };
  return bindLibcontract(koffi, library, library);
}

describe('errno of the libc calls (issue 14.3), through a fake koffi', () => {
  it('fake koffi: sigsend’s ESRCH is read with koffi.errno() right after the call', () => {
    expect(signalContractWith(fakeKoffi({ sigsend: [-1, 3] }), 57, 9)).toBe(false);
    expect(() => signalContractWith(fakeKoffi({ sigsend: [-1, 1] }), 57, 9)).toThrow(expect.objectContaining({ code: 'EPERM' }));
    expect(signalContractWith(fakeKoffi({ sigsend: [0, 0] }), 57, 9)).toBe(true);
  });

  it('fake koffi: open and fcntl hand back the negated errno', () => {
    const lib = fakeKoffi({ open: [-1, 22], fcntl: [-1, 9] });
    expect(lib.open('/system/contract/process/template', 2)).toBe(-22);
    expect(lib.fcntl(3, 1, 0)).toBe(-9);
  });
});
