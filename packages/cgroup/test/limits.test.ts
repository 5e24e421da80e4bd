import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyLimits, CgroupError } from '../src/index.js';
import { cleanup, freshGroup, testBase } from './helpers.js';

afterEach(cleanup);

const offered = (controller: string) =>
  readFileSync(posix.join(testBase().parentDir, 'cgroup.controllers'), 'latin1').split(/\s+/).includes(controller);

describe('limits', () => {
  it.skipIf(offered('pids'))('says which controller is missing and why when pids is not offered', () => {
    const group = freshGroup('limits');
    let error: unknown;
    try {
      applyLimits(testBase(), group, { pidsMax: 10 });
    } catch (e) {
      error = e;
    }
    expect(CgroupError.isInstance(error)).toBe(true);
    expect((error as CgroupError).code).toBe('ECONTROLLER');
    expect((error as CgroupError).message).toMatch(/'pids'/);
    expect((error as CgroupError).message).toMatch(/cgroup\.controllers lists/);
  });

  it.skipIf(!offered('pids'))('sets pids.max where the pids controller is offered', () => {
    const group = freshGroup('limits');
    applyLimits(testBase(), group, { pidsMax: 10 });
    expect(readFileSync(group.file('pids.max'), 'latin1').trim()).toBe('10');
  });

  it('refuses a bad value with a TypeError naming it', () => {
    const group = freshGroup('limits');
    expect(() => applyLimits(testBase(), group, { memoryMax: -1 })).toThrow(/limits\.memoryMax/);
  });
});
