const BRAND = Symbol.for('pg.cgroup.error');

/**
 * Every failure of `@pg/cgroup`. `code` is the errno name of the file operation that failed
 * (`'EACCES'`, `'EBUSY'`, `'ENOENT'`…) or one of the package's own codes:
 * `'ENOCGROUP2'` (no cgroup v2 mount), `'ENOTWRITABLE'` (no subtree this process may write),
 * `'ECONTROLLER'` (a controller a limit needs cannot be enabled), `'EUNSUPPORTED'` (the kernel
 * lacks a file, e.g. `cgroup.kill` before Linux 5.14 or in the root cgroup).
 * `path` is the cgroup file or directory involved, when there is one.
 */
export class CgroupError extends Error {
  readonly code: string;
  readonly path: string | undefined;
  readonly [BRAND] = true;

  constructor(message: string, code: string, path?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CgroupError';
    this.code = code;
    this.path = path;
  }

  /** True for a CgroupError from any copy of this package (a brand, not `instanceof`). */
  static isInstance(value: unknown): value is CgroupError {
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }
}

/** The errno name of a Node fs error, or undefined for anything else. */
export function fsCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Wrap a Node fs error into a CgroupError that says what was being done to which file. ENODEV,
 * what a read or write of a file whose cgroup was removed after the open gives, is reported as
 * ENOENT: the cgroup is gone either way.
 */
export function fsError(what: string, path: string, error: unknown): CgroupError {
  const raw = fsCode(error) ?? 'EIO';
  const code = raw === 'ENODEV' ? 'ENOENT' : raw;
  return new CgroupError(`${what} ${path} failed: ${raw}`, code, path, { cause: error });
}
