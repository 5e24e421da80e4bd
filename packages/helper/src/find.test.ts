// What findHelper() answers, and the words a user gets: the real platform package of this
// machine (a workspace link here, as npm links it in an app), PG_HELPER winning, and the
// platforms with no prebuilt package, with and without a C compiler on PATH.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findHelper, findHelperOn } from './find.js';

const sourceBuild = fileURLToPath(new URL('../build/pg-helper', import.meta.url));
const noCompiler = { PATH: '/nonexistent' };
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

describe('findHelper', () => {
  it.skipIf(process.platform !== 'linux' || !['x64', 'arm64'].includes(process.arch))("finds this machine's platform package", () => {
    const found = findHelper({ PATH: process.env.PATH });
    expect(found).toEqual({ ok: true, path: realpathSync(fileURLToPath(new URL(`../../helper-linux-${process.arch}/bin/pg-helper`, import.meta.url))) });
  });

  it('PG_HELPER wins, and a wrong one is reported, never replaced', () => {
    expect(findHelper({ PG_HELPER: '/bin/true' })).toEqual({ ok: true, path: '/bin/true' });
    expect(findHelper({ PG_HELPER: 'pg-helper' })).toEqual({ ok: false, reason: 'PG_HELPER must be an absolute path; it is "pg-helper"' });
    expect(findHelper({ PG_HELPER: '/nonexistent/pg-helper' })).toEqual({ ok: false, reason: 'PG_HELPER=/nonexistent/pg-helper does not exist' });
    expect(findHelper({ PG_HELPER: '/etc' })).toEqual({ ok: false, reason: 'PG_HELPER=/etc is not a regular file' });
  });

  it.skipIf(existsSync(sourceBuild))('a platform with no prebuilt package and no compiler: both remedies, and that a compiler is missing', () => {
    const found = findHelperOn({ platform: 'linux', arch: 'riscv64' }, noCompiler);
    expect(found).toEqual({
      ok: false,
      reason:
        'no pg-helper: there is no prebuilt pg-helper for linux-riscv64 (only for linux-arm64, linux-x64); ' +
        'or build it from source with `npx pg-helper-build` (needs a C compiler, and none is on PATH (cc, gcc, clang or $CC): ' +
        'install one, e.g. apt-get install gcc or apk add gcc musl-dev); or set PG_HELPER to the absolute path of a pg-helper binary',
    });
  });

  it.skipIf(existsSync(sourceBuild))('with a compiler on PATH the build remedy names it', () => {
    const found = findHelperOn({ platform: 'linux', arch: 'riscv64' }, { PATH: '/nonexistent:/usr/bin:/bin' });
    expect(found.ok).toBe(false);
    if (!found.ok) expect(found.reason).toMatch(/`npx pg-helper-build` \(with \/usr\/bin\/(cc|gcc|clang)\)/);
    expect(findHelperOn({ platform: 'linux', arch: 'riscv64' }, { CC: 'musl-gcc' })).toMatchObject({ reason: expect.stringContaining('(with $CC (musl-gcc))') });
  });

  it.skipIf(existsSync(sourceBuild) || process.arch === 'arm64')('a supported platform whose package is not installed names the package and its version', () => {
    // npm skips @pg/helper-linux-arm64 on this x64 machine (its `cpu`), as --omit=optional would.
    const found = findHelperOn({ platform: 'linux', arch: 'arm64' }, noCompiler);
    expect(found.ok).toBe(false);
    if (!found.ok) {
      expect(found.reason).toMatch(/^no pg-helper: @pg\/helper-linux-arm64, the prebuilt pg-helper for linux-arm64, is not installed/);
      expect(found.reason).toContain('--omit=optional');
      expect(found.reason).toContain(`npm install @pg/helper-linux-arm64@${version}`);
      expect(found.reason).toContain('`npx pg-helper-build`');
      expect(found.reason).toContain('PG_HELPER');
    }
  });

  it('is Linux-only, and says so', () => {
    expect(findHelperOn({ platform: 'darwin', arch: 'arm64' }, {})).toEqual({ ok: false, reason: 'pg-helper is Linux-only; this is darwin' });
  });
});
