import { describe, expect, it } from 'vitest';
import { isValidFdName } from './names.js';

describe('isValidFdName (what the service manager writes)', () => {
  it.each(['', 'http', 'a b', '~!@#$%^&*()', 'x'.repeat(255), 'unknown', 'stored', 'connection'])('accepts %j', (name) => {
    expect(isValidFdName(name)).toBe(true);
  });
  it.each(['a:b', ':', 'x'.repeat(256), 'tab\there', 'nl\n', 'del\x7f', 'café', '\0'])('rejects %j', (name) => {
    expect(isValidFdName(name)).toBe(false);
  });
});
