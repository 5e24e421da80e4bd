import { describe, expect, it } from 'vitest';
import { renderTree } from './tree-view.js';

describe('renderTree', () => {
  it('nests members under their parents and puts outside parents at the top', () => {
    const lines = renderTree([
      { pid: 12, ppid: 10, command: 'sleep 1' },
      { pid: 10, ppid: 1, command: 'sh -c x' },
      { pid: 11, ppid: 10, command: 'worker' },
      { pid: 13, ppid: 11, command: 'grandchild' },
      { pid: 99, ppid: 1, command: 'escaper' },
      { pid: 10, ppid: 1, command: 'sh -c x' },
    ]);
    expect(lines).toEqual(['10  sh -c x', '  11  worker', '    13  grandchild', '  12  sleep 1', '99  escaper']);
  });
});
