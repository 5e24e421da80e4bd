import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

describe('koffi is loaded lazily', () => {
  it('importing the package does not load koffi; the first call does', () => {
    const script = `
      import { createRequire } from 'node:module';
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/koffi/'));
      const p = await import(${JSON.stringify(dist)});
      const before = loaded();
      p.ownPidfdId();
      console.log(JSON.stringify([before, loaded()]));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([false, true]);
  });
});
