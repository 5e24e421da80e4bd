// The `pg` command's start-up against Node's own (`node -e 0`): wall time from spawn to exit of
// `pg --help` and `pg run -- true` through the committed `pg` script (what `npx pg` runs), with
// two steps in between that say where `pg run`'s time goes: importing @pg/core, and importing it
// plus probe(). Peak resident memory of each, from /usr/bin/time (wait4's ru_maxrss).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { now } from '../lib/trial.mjs';

const PG_BIN = fileURLToPath(new URL('../../../packages/cli/bin/pg', import.meta.url));
const CORE = pathToFileURL(fileURLToPath(new URL('../../../packages/core/dist/index.js', import.meta.url))).href;
const TIME = '/usr/bin/time';
const SCENARIO = 'pg command start-up → exit';
const MEMORY = 'pg command peak memory (MB resident)';

/** The commands compared; the first is the baseline. `ok` is the exit code each must give. */
function commands() {
  const node = process.execPath;
  return [
    { method: 'node -e 0', argv: [node, '-e', '0'], baseline: true },
    { method: 'pg --help', argv: [PG_BIN, '--help'] },
    { method: 'node: import @pg/core (part of pg run)', argv: [node, '--input-type=module', '-e', `await import(${JSON.stringify(CORE)})`] },
    { method: 'node: import @pg/core, probe() (part of pg run)', argv: [node, '--input-type=module', '-e', `const { probe } = await import(${JSON.stringify(CORE)}); await probe();`] },
    { method: 'pg run -- true', argv: [PG_BIN, 'run', '--', 'true'] },
  ];
}

/**
 * The `node` the `pg` script execs is the first on PATH: put this Node's directory first, so that
 * the baseline and pg run the same Node.
 */
const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };

/** Milliseconds from spawn to exit of `argv`; rejects unless it exits 0. */
async function wall(argv) {
  const t0 = now();
  const child = spawn(argv[0], argv.slice(1), { stdio: 'ignore', env });
  const [code, signal] = await once(child, 'exit');
  const ms = now() - t0;
  if (code !== 0) throw new Error(`${argv.join(' ')} exited with ${code ?? signal}`);
  return ms;
}

/** Peak resident memory of `argv` in MB, as /usr/bin/time reports it (largest of the process and what it waited for). */
async function peak(argv) {
  const child = spawn(TIME, ['-f', '%M', ...argv], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
  const [code] = await once(child, 'exit');
  const kb = Number(err.trim().split('\n').pop());
  if (code !== 0 || !Number.isFinite(kb)) throw new Error(`${TIME} ${argv.join(' ')} exited with ${code}: ${err.trim()}`);
  return kb / 1024;
}

/**
 * Rows for the start-up scenario (`reps` runs of each, interleaved round-robin after one warm-up
 * round, 20 ms apart) and the memory scenario (a third as many).
 */
export async function cliStartScenario({ reps }) {
  const list = commands();
  const missing = [PG_BIN, fileURLToPath(new URL('../../../packages/cli/dist/main.js', import.meta.url))].find((p) => !existsSync(p));
  if (missing !== undefined) {
    const skipped = `not measured: ${missing} is missing (npm run build)`;
    return list.map((c) => ({ scenario: SCENARIO, n: 1, method: c.method, samples: [], skipped }));
  }
  const times = list.map(() => []);
  for (let i = 0; i <= reps; i++) {
    for (const [k, c] of list.entries()) {
      await sleep(20);
      const ms = await wall(c.argv);
      if (i > 0) times[k].push(ms);
    }
  }
  const rows = list.map((c, k) => ({ scenario: SCENARIO, n: 1, method: c.method, samples: times[k], baseline: c.baseline }));
  const memory = list.map(() => []);
  const timeMissing = existsSync(TIME) ? undefined : `not measured: ${TIME} is not installed (Debian package time)`;
  for (let i = 0; !timeMissing && i < Math.max(3, Math.round(reps / 3)); i++) {
    for (const [k, c] of list.entries()) memory[k].push(await peak(c.argv));
  }
  rows.push(...list.map((c, k) => ({ scenario: MEMORY, n: 1, method: c.method, samples: memory[k], unit: 'MB', baseline: c.baseline, skipped: timeMissing })));
  return rows;
}
