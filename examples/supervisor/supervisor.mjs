#!/usr/bin/env node
// A tiny supervisor on @pg/core: keeps one service running with restart back-off, stops its
// whole tree (grandchildren and, with the cgroup backend, daemons too) on shutdown, and reports
// status from pg's API. Events are JSON lines on stdout; the service's own output goes to stderr.
//
//   node supervisor.mjs [--base-delay MS] [--max-delay MS] [--reset-after MS] [--stop-timeout MS] -- CMD [ARGS...]
//
// SIGTERM / SIGINT: stop the group (TERM, wait, KILL) and exit 0.
// SIGUSR2: print a status line (state, restarts, members by pid and command, group figures).
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { spawnGroup } from '@pg/core';
import { Backoff } from './backoff.mjs';

const { values, positionals } = parseArgs({
  options: {
    'base-delay': { type: 'string', default: '100' },
    'max-delay': { type: 'string', default: '10000' },
    'reset-after': { type: 'string', default: '10000' },
    'stop-timeout': { type: 'string', default: '5000' },
  },
  allowPositionals: true,
});
const [file, ...args] = positionals;
if (file === undefined) {
  process.stderr.write('usage: supervisor.mjs [--base-delay MS] [--max-delay MS] [--reset-after MS] [--stop-timeout MS] -- CMD [ARGS...]\n');
  process.exit(2);
}
const stopTimeout = Number(values['stop-timeout']);
const backoff = new Backoff({ base: Number(values['base-delay']), max: Number(values['max-delay']), resetAfter: Number(values['reset-after']) });

const emit = (event) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);

let group; // the running service's ProcessGroup, if any
let restarts = 0;
let stopping = false;
const shutdown = new AbortController();

async function status() {
  const g = group;
  try {
    const members = g === undefined ? [] : await g.members();
    const stats = g === undefined ? {} : await g.stats();
    emit({ event: 'status', state: g === undefined ? 'waiting' : 'running', restarts, id: g?.id, backend: g?.backend, members, stats });
  } catch (error) {
    // Asked just as the service ended and pg removed its group: it is between runs.
    if (error?.code !== 'ERR_PG_GROUP_GONE') throw error;
    emit({ event: 'status', state: 'waiting', restarts, members: [] });
  }
}

async function stop(signal) {
  if (stopping) return;
  stopping = true;
  emit({ event: 'stopping', signal });
  shutdown.abort();
  // stop() signals every member, not just the leader, and resolves once the group is empty.
  await group?.stop({ timeout: stopTimeout });
}

process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGUSR2', () => void status());

while (!stopping) {
  const started = Date.now();
  // The service's stdout goes to our stderr, so stdout carries only our JSON events.
  group = await spawnGroup(file, args, { stdio: ['ignore', process.stderr, 'inherit'] });
  emit({ event: 'start', id: group.id, backend: group.backend, pid: group.leader.pid, restarts });
  const exit = await group.leader.exited;
  // The leader is gone; make sure nothing it started lingers before a new one starts.
  await group?.stop({ timeout: stopTimeout });
  group = undefined;
  if (stopping) break;
  const delay = backoff.next(Date.now() - started);
  emit({ event: 'exit', code: exit.code, signal: exit.signal, restartIn: delay });
  restarts++;
  await sleep(delay, undefined, { signal: shutdown.signal }).catch(() => undefined);
}
emit({ event: 'stopped', restarts });
process.exit(0);
