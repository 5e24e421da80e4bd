// A leader that writes and exits at once: its output is still there when spawnGroup has
// resolved and the caller starts reading. (Node drains a child's unread pipes the tick after its
// exit; spawnGroup awaits placement or the helper's word first, so a quick leader used to exit in
// that window and lose what it wrote, about 1 spawn in 10 with the pre-exec placement.)
import { expect, it } from 'vitest';
import { forEachBackend, start } from './harness.js';

/** Everything `stream` gives until it ends. */
function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => (text += chunk));
  return new Promise((resolve, reject) => {
    stream.once('end', () => resolve(text));
    stream.once('error', reject);
  });
}

forEachBackend('the output of a leader that exits at once', (backend) => {
  it('reaches the caller on stdout and on an extra fd, spawn after spawn', async () => {
    for (let i = 0; i < 20; i++) {
      const group = await start(backend, '/bin/sh', ['-c', `echo out ${i}; echo extra ${i} >&3`], { stdio: ['ignore', 'pipe', 'inherit', 'pipe'] });
      const extra = group.leader!.stdio[3] as NodeJS.ReadableStream;
      const [out, fd3] = await Promise.all([readAll(group.leader!.stdout!), readAll(extra)]);
      expect({ out, fd3 }).toEqual({ out: `out ${i}\n`, fd3: `extra ${i}\n` });
      await group.empty;
    }
  });
});
