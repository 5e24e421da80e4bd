import { describe, expect, it } from 'vitest';
import { contractSupportWith, type SupportChecks } from './support.js';

function checks(over: Partial<SupportChecks>): SupportChecks {
  return {
    platform: 'sunos',
    ctfsProblem: async () => undefined,
    libcontractProblem: () => undefined,
    missingCommand: async () => undefined,
    ...over,
  };
}

describe('contractSupport reasons', () => {
  it('not illumos', async () => {
    expect(await contractSupportWith(checks({ platform: 'darwin' }))).toEqual({ available: false, mechanism: undefined, reason: 'not illumos (process.platform is darwin)' });
  });
  it('illumos without ctfs', async () => {
    const s = await contractSupportWith(checks({ ctfsProblem: async () => '/system/contract/process is not accessible (ENOENT)' }));
    expect(s).toEqual({ available: false, mechanism: undefined, reason: 'no contract filesystem: /system/contract/process is not accessible (ENOENT)' });
  });
  it('libcontract first', async () => {
    expect((await contractSupportWith(checks({}))).mechanism).toBe('libcontract');
  });
  it('the commands when koffi is missing, saying why', async () => {
    const s = await contractSupportWith(checks({ libcontractProblem: () => 'koffi could not be loaded' }));
    expect(s.mechanism).toBe('commands');
    expect(s.reason).toMatch(/ctrun\/ctstat\/pgrep\/pkill \(libcontract unusable: koffi could not be loaded\)/);
  });
  it('neither: both reasons', async () => {
    const s = await contractSupportWith(checks({ libcontractProblem: () => 'koffi could not be loaded', missingCommand: async () => '/usr/bin/ctrun' }));
    expect(s).toEqual({
      available: false,
      mechanism: undefined,
      reason: 'neither libcontract (koffi could not be loaded) nor the commands (/usr/bin/ctrun is missing) can be used',
    });
  });
});
