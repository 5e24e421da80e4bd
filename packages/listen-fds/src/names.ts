// Names as the service manager writes them into LISTEN_FDNAMES (systemd's fdname_is_valid()):
// printable ASCII without ':', at most 255 characters; the empty name is allowed. The receiver accepts more (any bytes,
// with backslash escapes); the sender writes only valid names, so no escaping is ever needed.

/** The longest valid name (systemd's FDNAME_MAX). */
export const FDNAME_MAX = 255;

/** Whether `name` is a valid descriptor name: 0..255 characters in 0x20..0x7E, no ':'. */
export function isValidFdName(name: string): boolean {
  if (typeof name !== 'string' || name.length > FDNAME_MAX) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x3a) return false;
  }
  return true;
}
