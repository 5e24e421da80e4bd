// Every guarantee of the cgroup backend holds with both placements. The conformance suite runs
// here with the placement the probe finds (pg-helper's clone3 where it works); this file runs its
// cgroup part once more with the pre-exec step forced (PG_CGROUP_PLACEMENT=pre-exec), as root, in
// a cgroup made for the run, and reports each behaviour of that run as a test of its own, titled
// `[cgroup, pre-exec, root]`. The only skips allowed are for dying with the owner, which that
// placement says it cannot do.
import { describe, it } from 'vitest';
import { probe } from '@pg/core';
import { mirror, runConformance } from './nested-conformance.js';

const root = process.geteuid?.() === 0;
const cgroup = (await probe()).find((p) => p.backend === 'cgroup');
const why = !root ? 'it makes a cgroup for the run, which needs root' : cgroup?.available !== true ? `the cgroup backend is not available: ${cgroup?.reason}` : undefined;

if (why !== undefined) {
  describe.skip(`conformance [cgroup, pre-exec, root], a nested run, skipped: ${why}`, () => it('runs', () => undefined));
} else {
  const nested = await runConformance({ name: 'pre-exec', asNobody: false, delegated: false, env: { PG_CGROUP_PLACEMENT: 'pre-exec' }, testNamePattern: '\\[cgroup, ' });
  mirror('conformance [cgroup, pre-exec, root], a nested run (PG_CGROUP_PLACEMENT=pre-exec)', nested, {
    axes: { cgroup: '[cgroup, pre-exec, root]' },
    rightSkips: { cgroup: /^it does not guarantee diesWithOwner$/ },
  });
}
