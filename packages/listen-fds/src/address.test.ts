import { describe, expect, it } from 'vitest';
import { formatListenAddress, parseListenAddress } from './address.js';

describe('parseListenAddress', () => {
  it.each([
    ['8080', { transport: 'tcp', host: null, port: 8080 }],
    [':8080', { transport: 'tcp', host: null, port: 8080 }],
    ['127.0.0.1:8080', { transport: 'tcp', host: '127.0.0.1', port: 8080 }],
    ['[::1]:80', { transport: 'tcp', host: '::1', port: 80 }],
    ['tcp:0', { transport: 'tcp', host: null, port: 0 }],
    ['udp:127.0.0.1:53', { transport: 'udp', host: '127.0.0.1', port: 53 }],
    ['udp:[::]:5353', { transport: 'udp', host: '::', port: 5353 }],
    ['/run/app.sock', { transport: 'unix', path: '/run/app.sock', abstract: false }],
    ['@app', { transport: 'unix', path: 'app', abstract: true }],
    ['unix-dgram:/run/log', { transport: 'unix-dgram', path: '/run/log', abstract: false }],
    ['unix-seqpacket:@ctl', { transport: 'unix-seqpacket', path: 'ctl', abstract: true }],
  ])('%j', (input, expected) => {
    expect(parseListenAddress(input)).toEqual(expected);
    expect(parseListenAddress(formatListenAddress(parseListenAddress(input)))).toEqual(expected);
  });

  it.each(['', 'localhost:80', '::1:80', '[::1]80', '1.2.3.4:65536', '80x', 'relative.sock', 'tcp:/x', 'unix:80', '@', `/${'x'.repeat(107)}`, '[1.2.3.4]:5'])(
    'rejects %j with a TypeError',
    (input) => {
      expect(() => parseListenAddress(input)).toThrow(TypeError);
    },
  );
});
