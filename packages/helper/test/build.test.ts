// The source build (`pg-helper-build`, scripts/build.mjs): warning-free with -Wall -Wextra
// -Werror, one line and success without a compiler, a failure when the compiler fails. Builds into
// a temporary directory: the other test files use build/ at the same time.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../scripts/build.mjs', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'pg-helper-build-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function build(args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [script, ...args], { env, encoding: 'utf8' });
}

describe('scripts/build.mjs', () => {
  it('compiles pg-helper and pg-helper-asan without a single diagnostic', () => {
    const out = join(scratch, 'ok');
    const result = build(['--sanitize', '--out-dir', out], process.env);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`pg-helper-build: built ${join(out, 'pg-helper')}; set PG_HELPER=${join(out, 'pg-helper')} to use it.\n`);
    expect(result.status).toBe(0);
    accessSync(join(out, 'pg-helper'), constants.X_OK);
    accessSync(join(out, 'pg-helper-asan'), constants.X_OK);
  });

  it('without a compiler: exit 0 and exactly one line naming the command that rebuilds', () => {
    const empty = mkdtempSync(join(scratch, 'path-'));
    const { CC: _cc, ...env } = process.env;
    const result = build(['--out-dir', join(scratch, 'none')], { ...env, PATH: empty });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      '@pg/helper: no C compiler found (cc, gcc, clang or $CC); pg-helper is not built. ' +
        'Install one (apt-get install gcc, apk add gcc musl-dev) and run npx pg-helper-build.\n',
    );
  });

  it('a compiler that fails is a failure', () => {
    const result = build(['--out-dir', join(scratch, 'fail')], { ...process.env, CC: '/bin/false' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('failed to compile');
  });

  it('a $CC that does not exist is a failure, not "no compiler"', () => {
    const result = build(['--out-dir', join(scratch, 'missing')], { ...process.env, CC: 'no-such-cc' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('$CC is "no-such-cc"');
  });
});
