// One forwarded set: pg-helper forwards (in front of a leader, and as `pg init`) exactly the
// signals core's FORWARDED_SIGNAL_NAMES lists, which `pg run` and the Node init forward too.
// helper.c cannot import TypeScript, so its switch is read and compared here.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { FORWARDED_SIGNAL_NAMES } from '@pg/core';

it("pg-helper forwards exactly core's forwarded signals", () => {
  const source = readFileSync(new URL('../../packages/helper/src/helper.c', import.meta.url), 'latin1');
  const body = /static bool is_forwarded\(int sig\)\s*\{([\s\S]*?)\n\}/.exec(source)?.[1];
  expect(body, 'is_forwarded() in helper.c').toBeDefined();
  const inC = [...(body ?? '').matchAll(/case (SIG[A-Z0-9]+):/g)].map((m) => m[1]);
  expect([...inC].sort()).toEqual([...FORWARDED_SIGNAL_NAMES].sort());
});
