/**
 * illumos `strerror` texts in the C locale (the commands run with `LC_ALL=C`), by errno name:
 * the commands print only the text (`uu_warn`, ctstat's `verb_error`), so it is mapped back.
 */
const NAMES: Readonly<Record<string, string>> = Object.freeze({
  'Not owner': 'EPERM',
  'No such file or directory': 'ENOENT',
  'No such process': 'ESRCH',
  'Not enough space': 'ENOMEM',
  'Permission denied': 'EACCES',
  'Bad address': 'EFAULT',
  'Invalid argument': 'EINVAL',
  'Operation not supported': 'ENOTSUP',
});

/** The errno name of a C-locale illumos `strerror` text, or undefined for one not in the table. */
export function errnoOfText(text: string): string | undefined {
  return NAMES[text.trim()];
}
