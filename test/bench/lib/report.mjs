// Turns the bench's rows into a console table and BENCHMARKS.md, and judges the targets of the
// Linux issue (issue 4) against the figures: met / not met, and by how much.
import { fileURLToPath } from 'node:url';
import { ms, ratio, summarize } from './stats.mjs';

/** This checkout's root, with a trailing slash. */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * `text` with every path inside this checkout named relative to the repository root: what the
 * bench writes is read on other machines, where this machine's paths mean nothing.
 */
export function repoRelative(text) {
  return text.replaceAll(REPO_ROOT, '');
}

const CLI_START = 'pg command start-up → exit';
const CLI_MEMORY = 'pg command peak memory (MB resident)';
const SCENARIOS = ['spawn → exit, isolated', 'spawn → exit, back-to-back', 'spawn echo hello → stdout read to the end', 'kill → empty', 'list members', 'SIGTERM, forking tree → empty', 'footprint (MB resident)', 'init start-up (unshare … INIT -- /bin/true)', CLI_START, CLI_MEMORY];

/** Adds `stats`, `ratio` (median over the baseline's median at the same scenario and N). */
export function annotate(rows) {
  for (const row of rows) row.stats = summarize(row.samples);
  for (const row of rows) {
    const base = rows.find((r) => r.scenario === row.scenario && r.n === row.n && r.baseline);
    row.ratio = base && base.stats.n > 0 && row.stats.n > 0 ? row.stats.median / base.stats.median : NaN;
    row.baselineName = base?.method;
  }
  return rows;
}

const range = (values) => {
  if (!values || values.length === 0) return '';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? String(lo) : `${lo}–${hi}`;
};

function cells(row) {
  const s = row.stats;
  const outcome = row.skipped
    ? `skipped: ${row.skipped}`
    : row.found?.length
      ? `found ${range(row.found)} of ${row.n}`
      : row.survivors?.length
        ? `survivors ${range(row.survivors)}`
        : '';
  const errors = row.errors?.length ? ` (${row.errors.length} failed: ${row.errors[0]})` : '';
  const v = (x) => (row.unit === 'MB' ? (Number.isFinite(x) ? `${x.toFixed(1)} MB` : '–') : ms(x));
  return [row.scenario, row.n === 1 ? '' : String(row.n), row.method + (row.baseline ? ' (baseline)' : ''), v(s.min), v(s.median), v(s.max), ratio(row.ratio), outcome + errors, String(s.n)];
}

const HEAD = ['scenario', 'N', 'method', 'min', 'median', 'max', '× baseline', 'found / survivors', 'reps'];

/** The plain-text table for the terminal. */
export function consoleTable(rows) {
  const table = [HEAD, ...rows.map(cells)];
  const widths = HEAD.map((_, i) => Math.min(60, Math.max(...table.map((r) => r[i].length))));
  return table.map((r) => r.map((c, i) => (c.length > widths[i] ? `${c.slice(0, widths[i] - 1)}…` : c.padEnd(widths[i]))).join('  ')).join('\n');
}

function markdownTable(rows) {
  const esc = (c) => c.replaceAll('|', '\\|');
  return [`| ${HEAD.join(' | ')} |`, `|${HEAD.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${cells(r).map(esc).join(' | ')} |`)].join('\n');
}

/** Every target the bench judges: the Linux issues', then the `pg` command's. Returns [{ target, figure, verdict }]. */
export function judgeTargets(rows, context) {
  return [...linuxTargets(rows, context), ...cliTargets(rows)];
}

/**
 * The targets of issue 4, judged on the cgroup backend (the one they are written for):
 * spawn ≤ 1.10× plain spawn; kill ≤ 1.15× raw cgroup.kill with 0 survivors (each N);
 * members() for 1000 ≤ 0.5 ms.
 */
function linuxTargets(rows, { cgroupProbe, rawCgroup }) {
  if (!cgroupProbe?.available) {
    const why = `not measured: the cgroup backend is unavailable here (${cgroupProbe?.reason ?? 'not probed'})`;
    return ['spawn ≤ 1.10× plain spawn', 'kill ≤ 1.15× raw cgroup.kill, 0 survivors', 'members() for 1000 ≤ 0.5 ms'].map((target) => ({ target, figure: '–', verdict: why }));
  }
  const out = [];
  const find = (scenario, method, n) => rows.find((r) => r.scenario === scenario && r.method === method && (n === undefined || r.n === n));
  for (const regime of ['isolated', 'back-to-back']) {
    const scenario = `spawn → exit, ${regime}`;
    const empty = find(scenario, 'pg cgroup → empty, cleaned up');
    const leader = find(scenario, 'pg cgroup → leader exit');
    if (!empty || !leader) continue;
    const over = (r) => `${((r / 1.1 - 1) * 100).toFixed(0)}% over`;
    out.push({
      target: `spawn ≤ 1.10× plain spawn (${regime})`,
      figure: `→ leader exit ${ratio(leader.ratio)} (${ms(leader.stats.median)} vs ${ms(leader.stats.median / leader.ratio)}); → empty, cleaned up ${ratio(empty.ratio)} (${ms(empty.stats.median)})`,
      verdict: leader.ratio <= 1.1 && empty.ratio <= 1.1 ? 'met' : leader.ratio <= 1.1 ? `met to the leader's exit; not met to empty: ${over(empty.ratio)}` : `not met: leader exit ${over(leader.ratio)}, empty ${over(empty.ratio)}`,
    });
  }
  for (const r of rows.filter((x) => x.scenario === 'kill → empty' && x.method === 'pg cgroup kill()')) {
    const worst = r.survivors.length ? Math.max(...r.survivors) : NaN;
    const fast = rawCgroup.ok && r.ratio <= 1.15;
    const verdict = !rawCgroup.ok
      ? `not judged: raw cgroup.kill unavailable (${rawCgroup.reason})`
      : fast && worst === 0
        ? 'met'
        : `not met: ${fast ? '' : `${((r.ratio / 1.15 - 1) * 100).toFixed(0)}% over the ratio`}${!fast && worst !== 0 ? '; ' : ''}${worst === 0 ? '' : `${worst} survivors`}`;
    out.push({ target: `kill ≤ 1.15× raw cgroup.kill with 0 survivors (N=${r.n})`, figure: `${ratio(r.ratio)} (${ms(r.stats.median)}), survivors ${range(r.survivors)}`, verdict });
  }
  out.push(...issueTargets(rows, find, rawCgroup));
  out.push(...spawnerTargets(rows, find));
  const list = find('list members', 'pg cgroup members()', 1000);
  if (list) {
    out.push({
      target: 'members() for 1000 ≤ 0.5 ms',
      figure: `${ms(list.stats.median)} median (found ${range(list.found)}); raw cgroup.procs ${ms(list.stats.median / list.ratio)}`,
      verdict: list.stats.median <= 0.5 ? 'met' : `not met: ${(list.stats.median / 0.5).toFixed(1)}× the target`,
    });
  } else {
    out.push({ target: 'members() for 1000 ≤ 0.5 ms', figure: '–', verdict: 'not measured (N=1000 not run)' });
  }
  return out;
}

/**
 * The targets of the helper issues: cgroup spawn with clone3 (issue 12), the reaper backend
 * (issue 15) and a small `pg init` (issue 13).
 */
function issueTargets(rows, find, rawCgroup) {
  const out = [];
  const judge = (target, figure, ok, why) => out.push({ target, figure, verdict: ok ? 'met' : `not met: ${why}` });
  const none = (target, why) => out.push({ target, figure: '–', verdict: `not measured: ${why}` });
  const iso = find('spawn → exit, isolated', 'pg cgroup → leader exit');
  const b2b = find('spawn → exit, back-to-back', 'pg cgroup → leader exit');
  const life = find('spawn → exit, isolated', 'pg cgroup → empty, cleaned up');
  const clone3 = find('spawn → exit, isolated', 'raw clone3 (mkdir, pg-helper --cgroup, rmdir)');
  const floor = clone3 ? `; raw clone3 floor ${ratio(clone3.ratio)} (${ms(clone3.stats.median)})` : '';
  if (iso) judge('cgroup spawn → leader exit after a quiet spell ≤ 1.5× plain spawn (issue 12)', `${ratio(iso.ratio)} (${ms(iso.stats.median)})${floor}`, iso.ratio <= 1.5, `${ratio(iso.ratio)}`);
  else none('cgroup spawn ≤ 1.5× (issue 12)', 'no cgroup row');
  if (b2b) judge('cgroup spawn back-to-back ≤ 1.3× (issue 12)', `${ratio(b2b.ratio)} (${ms(b2b.stats.median)})`, b2b.ratio <= 1.3, `${ratio(b2b.ratio)}`);
  if (life) judge('cgroup whole life, spawn → empty → directory removed, ≤ 1.5× (issue 12)', `${ratio(life.ratio)} (${ms(life.stats.median)})`, life.ratio <= 1.5, `${ratio(life.ratio)}`);
  const reaper = find('spawn → exit, isolated', 'pg reaper → leader exit');
  const reaperLife = find('spawn → exit, isolated', 'pg reaper → empty, cleaned up');
  if (reaper) judge('reaper spawn → leader exit ≤ 1.3× plain spawn (issue 15)', `${ratio(reaper.ratio)} (${ms(reaper.stats.median)}); whole life ${reaperLife ? `${ratio(reaperLife.ratio)} (${ms(reaperLife.stats.median)})` : '–'}`, reaper.ratio <= 1.3, `${ratio(reaper.ratio)}`);
  else none('reaper spawn ≤ 1.3× (issue 15)', 'the reaper backend is unavailable');
  const members = find('list members', 'pg reaper members()', 1000);
  const pidtreeRow = find('list members', 'pidtree', 1000);
  if (members && pidtreeRow) {
    const all = members.found?.length > 0 && Math.min(...members.found) === 1000;
    judge('reaper members() of 1000 (10% setsid): all found, in no more time than pidtree (issue 15)', `${ms(members.stats.median)}, found ${range(members.found)}; pidtree ${ms(pidtreeRow.stats.median)}, found ${range(pidtreeRow.found)}`, all && members.stats.median <= pidtreeRow.stats.median, `${all ? '' : 'not all found; '}${(members.stats.median / pidtreeRow.stats.median).toFixed(2)}× pidtree's time`);
  } else none('reaper members() of 1000 (issue 15)', 'N=1000 or the reaper backend not run');
  const kill = find('kill → empty', 'pg reaper kill()', 1000);
  const rawKill = find('kill → empty', 'raw cgroup.kill', 1000) ?? rows.find((r) => r.scenario === 'kill → empty' && r.n === 1000 && r.baseline);
  if (kill && rawKill && rawCgroup.ok) {
    const worst = kill.survivors?.length ? Math.max(...kill.survivors) : NaN;
    const times = kill.stats.median / rawKill.stats.median;
    judge('reaper kill() of 1000 (10% escapers): 0 survivors, ≤ 2× raw cgroup.kill (issue 15)', `${ms(kill.stats.median)} = ${times.toFixed(2)}× raw ${ms(rawKill.stats.median)}, survivors ${range(kill.survivors)}`, worst === 0 && times <= 2, `${worst === 0 ? '' : `${worst} survivors; `}${times.toFixed(2)}×`);
  } else none('reaper kill() of 1000 (issue 15)', 'N=1000, raw cgroup.kill or the reaper backend not run');
  const helperRss = find('footprint (MB resident)', 'pg-helper per reaper group');
  if (helperRss?.stats.n) judge('pg-helper resident memory per group ≤ 2 MB (issue 15)', `${helperRss.stats.median.toFixed(2)} MB`, helperRss.stats.median <= 2, `${helperRss.stats.median.toFixed(2)} MB`);
  const init = find('footprint (MB resident)', 'pg init (pg-helper, through the pg command), PID 1 after 1 s');
  if (init?.stats.n) {
    const peers = rows.filter((r) => r.scenario === 'footprint (MB resident)' && /^(tini|dumb-init|catatonit),/.test(r.method) && r.stats.n).map((r) => `${r.method.split(',')[0]} ${r.stats.median.toFixed(1)} MB`);
    const start = find('init start-up (unshare … INIT -- /bin/true)', 'pg init (pg-helper, through the pg command)');
    judge('pg init as PID 1 ≤ 5 MB resident one second in (issue 13)', `${init.stats.median.toFixed(1)} MB (${peers.join(', ') || 'no peer installed'}); start-up ${start ? ms(start.stats.median) : '–'}`, init.stats.median <= 5, `${init.stats.median.toFixed(1)} MB`);
  } else none('pg init as PID 1 ≤ 5 MB (issue 13)', init?.skipped ?? 'needs root and unshare');
  return out;
}

/** The targets of issue 21, the per-owner spawner: ratios to a plain spawn in the same run. */
function spawnerTargets(rows, find) {
  const out = [];
  const judge = (target, row, limit, extra = '') => {
    if (!row || !row.stats.n) return out.push({ target, figure: '–', verdict: 'not measured: no row (backend unavailable?)' });
    out.push({ target, figure: `${ratio(row.ratio)} (${ms(row.stats.median)})${extra}`, verdict: row.ratio <= limit ? 'met' : `not met: ${ratio(row.ratio)}` });
  };
  judge('cgroup spawn → leader exit, back-to-back ≤ 0.7× (issue 21)', find('spawn → exit, back-to-back', 'pg cgroup → leader exit'), 0.7);
  judge('cgroup whole life (spawn → empty → directory removed) ≤ 0.8× (issue 21)', find('spawn → exit, back-to-back', 'pg cgroup → empty, cleaned up'), 0.8);
  judge('cgroup spawn → leader exit after a quiet spell ≤ 0.8× (issue 21)', find('spawn → exit, isolated', 'pg cgroup → leader exit'), 0.8);
  judge('spawn echo hello, stdout read to the end ≤ 0.8× (issue 21, cgroup)', find('spawn echo hello → stdout read to the end', 'pg cgroup + leader.stdout'), 0.8);
  judge('reaper spawn → leader exit ≤ 1.0× (issue 21; measured as root: the same code path as uid 65534)', find('spawn → exit, back-to-back', 'pg reaper → leader exit'), 1.0);
  const rss = find('footprint (MB resident)', 'pg-helper spawner with 100 live cgroup groups', 100);
  if (rss?.stats.n) out.push({ target: 'spawner resident memory with 100 live groups ≤ 2 MB (issue 21)', figure: `${rss.stats.median.toFixed(2)} MB`, verdict: rss.stats.median <= 2 ? 'met' : `not met: ${rss.stats.median.toFixed(2)} MB` });
  else out.push({ target: 'spawner resident memory with 100 live groups ≤ 2 MB (issue 21)', figure: '–', verdict: 'not measured (footprint not run, or no cgroup backend)' });
  return out;
}

/**
 * The targets of issue 18 for the `pg` command, wall time against `node -e 0` (medians):
 * `pg --help` ≤ 1.2×, `pg run -- true` ≤ 1.5×; peak memory is shown with each.
 */
function cliTargets(rows) {
  const find = (scenario, method) => rows.find((r) => r.scenario === scenario && r.method === method);
  const baseMemory = find(CLI_MEMORY, 'node -e 0');
  const out = [];
  for (const [method, limit] of [['pg --help', 1.2], ['pg run -- true', 1.5]]) {
    const target = `\`${method}\` ≤ ${limit.toFixed(1)}× \`node -e 0\`, wall (issue 18)`;
    const time = find(CLI_START, method);
    if (!time?.stats.n || !Number.isFinite(time.ratio)) {
      out.push({ target, figure: '–', verdict: `not measured: ${time?.skipped ?? 'the cli scenario did not run (--only)'}` });
      continue;
    }
    const memory = find(CLI_MEMORY, method);
    const peak = memory?.stats.n && baseMemory?.stats.n ? `; peak ${memory.stats.median.toFixed(1)} MB (node -e 0: ${baseMemory.stats.median.toFixed(1)} MB)` : '';
    out.push({
      target,
      figure: `${ratio(time.ratio)} (${ms(time.stats.median)} vs ${ms(time.stats.median / time.ratio)})${peak}`,
      verdict: time.ratio <= limit ? 'met' : `not met: ${ratio(time.ratio)}, ${((time.ratio / limit - 1) * 100).toFixed(0)}% over (see "Where pg's time goes")`,
    });
  }
  return out;
}

/** BENCHMARKS.md. */
export function markdown({ rows, machine, probes, rawCgroup, targets, notes, findings, argv, durationS }) {
  const sections = SCENARIOS.map((s) => rows.filter((r) => r.scenario === s)).filter((r) => r.length > 0);
  return repoRelative(`# Benchmarks

Generated by \`npm run bench\` (\`test/bench/run.mjs\`); do not edit by hand. One run, all methods
side by side on the same machine, interleaved round-robin so load changes hit every method alike.
Times are min / median / max over the repetitions shown; "× baseline" is the median over the
baseline's median for the same scenario and N.

## Machine

| | |
|---|---|
| date | ${machine.date} |
| CPU | ${machine.cpu} × ${machine.cores} |
| memory | ${machine.memory} |
| kernel | ${machine.kernel} |
| Node | ${machine.node} |
| load average (start → end) | ${machine.loadStart} → ${machine.loadEnd} |
| cgroup2 for the raw peers | ${rawCgroup.reason} |
| run | \`${['node test/bench/run.mjs', ...argv].join(' ')}\` (${durationS.toFixed(0)} s) |

Backends probed: ${probes.map((p) => `**${p.backend}** ${p.available ? 'available' : 'unavailable'} (${p.reason})`).join('; ')}.

## Targets (Linux issue)

| target | figure | verdict |
|---|---|---|
${targets.map((t) => `| ${t.target} | ${t.figure} | ${t.verdict} |`).join('\n')}

${findings.length ? `## Where pg's time goes\n\n${findings.join('\n\n')}\n\n` : ''}## Results

${sections.map((r) => markdownTable(r)).join('\n\n')}

## What each row measures

${notes.map((n) => `- ${n}`).join('\n')}

## Reproduce

\`\`\`sh
npm run bench                                         # builds, runs everything, rewrites BENCHMARKS.md
node test/bench/run.mjs --sizes=10,100 --reps=0.3 --no-write   # a quick look, nothing written
node test/bench/run.mjs --only=list,kill --tree-kill-1000       # one scenario set; tree-kill at N=1000 too
\`\`\`
Linux, as root (or in a delegated cgroup subtree) for the cgroup rows; the other rows run
anywhere Linux has /proc. Every tree is found by a per-run token in its argv and killed by pid
afterwards, escapers included, so a run leaves nothing behind.
`);
}

/**
 * Where pg's cgroup time goes, from the rows themselves (the kernel path pg is built on is the
 * raw row; the rest is pg): one markdown paragraph per scenario with a cgroup row.
 */
export function analysis(rows) {
  const out = [];
  const med = (scenario, method, n) => rows.find((r) => r.scenario === scenario && r.method === method && (n === undefined || r.n === n))?.stats.median;
  for (const regime of ['isolated', 'back-to-back']) {
    const s = `spawn → exit, ${regime}`;
    const [plain, rawSh, rawClone3, rawSpawner, spawned, leader, empty] = [
      med(s, 'child_process.spawn'),
      med(s, 'raw cgroup (mkdir, sh pre-exec, rmdir)'),
      med(s, 'raw clone3 (mkdir, pg-helper --cgroup, rmdir)'),
      med(s, 'raw spawner clone3 (mkdir, spawnLeader, rmdir)'),
      med(s, 'pg cgroup: spawnGroup() resolved (part of the above)'),
      med(s, 'pg cgroup → leader exit'),
      med(s, 'pg cgroup → empty, cleaned up'),
    ];
    if ([plain, spawned, leader, empty].some((x) => x === undefined)) continue;
    const raw = rawSpawner ?? rawClone3 ?? rawSh;
    out.push(
      `**Where spawn time goes (${regime}, medians).** Plain spawn → exit ${ms(plain)}: Node forks itself (a large process) and the child execs.` +
        (rawSh === undefined ? '' : ` The pre-exec path (mkdir, \`/bin/sh\` writing \`cgroup.procs\`, rmdir) ${ms(rawSh)}: the migration waits for an RCU grace period after a quiet spell.`) +
        (rawClone3 === undefined
          ? ''
          : ` A pg-helper exec'd per group (mkdir, \`pg-helper --cgroup\` creating \`/bin/true\` with \`CLONE_INTO_CGROUP\`, rmdir; pg's path before the spawner) ${ms(rawClone3)}, ${(rawClone3 / plain).toFixed(2)}× a plain spawn: Node's fork plus a second exec.`) +
        (rawSpawner === undefined
          ? ''
          : ` This process's spawner creating \`/bin/true\` in a fresh cgroup (mkdir, one request over its socket, \`clone3\` of a small process, rmdir) ${ms(rawSpawner)}, ${(rawSpawner / plain).toFixed(2)}× a plain spawn: no fork of Node at all.`) +
        ` pg's cgroup backend to the leader's exit: ${ms(leader)}${raw === undefined ? '' : `, ${ms(leader - raw)} over the raw path it uses`}; \`spawnGroup()\` alone resolves after ${ms(spawned)} (group directory, the spawner's \`spawned\` reply with the leader's pid and pidfd id, a pidfd for the leader). ` +
        `From the leader's exit to \`empty\`: ${ms(empty - leader)}: pg re-reads \`cgroup.events\` right after the leader's exit (and on a short timer: the inotify notification is rate-limited), then removes the directory and tells the spawner to forget the group.`,
    );
  }
  for (const n of [10, 100, 1000]) {
    const [raw, pg] = [med('kill → empty', 'raw cgroup.kill', n), med('kill → empty', 'pg cgroup kill()', n)];
    if (raw === undefined || pg === undefined) continue;
    if (pg <= raw) {
      out.push(`**kill, N=${n}:** pg ${ms(pg)} against raw \`cgroup.kill\` → \`populated 0\` → rmdir ${ms(raw)}: no cost of pg's own shows at this size (the difference, ${ms(pg - raw)}, is within the spread of the two rows).`);
      continue;
    }
    out.push(`**kill, N=${n}:** pg ${ms(pg)} against raw \`cgroup.kill\` → \`populated 0\` → rmdir ${ms(raw)}: pg adds ${ms(pg - raw)}. On top of the same kernel work, pg's \`kill()\` waits for its \`empty\` promise: the \`cgroup.events\` watcher (inotify plus the re-read timer \`kick()\` starts) *and* Node's \`exit\` event for the leader, then closes the group (pidfd close, rmdir, removal of the base when it is empty).`);
  }
  out.push(...cliAnalysis(med));
  const [procs, members] = [med('list members', 'raw cgroup.procs read', 1000), med('list members', 'pg cgroup members()', 1000)];
  if (procs !== undefined && members !== undefined) {
    out.push(
      `**members(), N=1000:** ${ms(members)} against ${ms(procs)} for the \`cgroup.procs\` read it starts with. The rest is one object per pid (\`ProcMember\`, packages/core/src/backends/proc-member.ts), ~${(((members - procs) / 1000) * 1000).toFixed(2)} µs per member: ppid and command are read from /proc only when a caller asks for them (DESIGN.md: per-member details are read lazily), so a caller that reads every command pays about 0.14 ms per member on top.`,
    );
  }
  return out;
}

/** Where the `pg` command's start-up goes, from the cli rows (medians, over `node -e 0`). */
function cliAnalysis(med) {
  const [node, help, core, probed, run] = [
    med(CLI_START, 'node -e 0'),
    med(CLI_START, 'pg --help'),
    med(CLI_START, 'node: import @pg/core (part of pg run)'),
    med(CLI_START, 'node: import @pg/core, probe() (part of pg run)'),
    med(CLI_START, 'pg run -- true'),
  ];
  if ([node, help, core, probed, run].some((x) => x === undefined)) return [];
  return [
    `**Where the \`pg\` command's start-up goes (medians).** \`node -e 0\` ${ms(node)}. \`pg --help\` ${ms(help)}, ${ms(help - node)} more: ` +
      'the `pg` shell script (`sh`, one `readlink`) and Node\'s ES module loader, which `node -e 0` never starts, plus `dist/main.js` and the command list. ' +
      'No package is loaded: each command is a dynamic import, so `pg --help` loads `dist/main.js` and the command list only, and every other command its own module and what that imports. ' +
      `\`pg run -- true\` ${ms(run)}, ${ms(run - node)} over \`node -e 0\`, of which importing \`@pg/core\` (with \`@pg/cgroup\`, \`@pg/procfs\`, \`@pg/pidfd\`) takes ${ms(core - node)}, ` +
      `and its \`probe()\` ${ms(probed - core)} more: \`auto\` probes every backend before the first spawn, and the probes load koffi (pidfds), make a trial cgroup and start pg-helper twice ` +
      '(the cgroup probe to see whether it can `clone3` into a cgroup, the reaper probe to run `/bin/true` as a subreaper), and load `@pg/contract` to find libcontract missing. ' +
      `The remaining ${ms(run - probed)} is the run itself: the CLI's run module, the spawn through pg-helper, the leader's exit, stopping the group and removing its cgroup. ` +
      'So what is left over the 1.5× target lies in `@pg/core`: its selection probes (a probe that stops at the first available backend would spare the reaper and contract probes) and a spawn per pg-helper.',
  ];
}
