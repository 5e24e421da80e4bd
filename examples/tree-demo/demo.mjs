// The main job of pg, on a real process tree: spawn a group whose leader has children,
// grandchildren and a daemon that double-forks and calls setsid, list every member, stop the
// group, and show that it is empty. Run it with `npm run demo` (as root, or in a delegated
// cgroup subtree, to get the cgroup backend; elsewhere pg falls back and says why).
import { probe, spawnGroup } from '@pg/core';

const tree = new URL('./tree.sh', import.meta.url).pathname;

for (const p of await probe()) console.log(`backend ${p.backend.padEnd(8)} ${p.available ? 'available  ' : 'unavailable'} ${p.reason}`);

const group = await spawnGroup(tree, [], { stdio: ['ignore', 'pipe', 'inherit'] });
console.log(`\nspawned group ${group.id} on the ${group.backend} backend (leader pid ${group.leader.pid})`);
const daemonPid = await new Promise((resolve) => {
  group.leader.stdout.setEncoding('utf8').once('data', (text) => resolve(Number(/daemon (\d+)/.exec(text)?.[1])));
});
// The grandchildren start independently of the daemon's line; wait for the whole tree.
for (let i = 0; i < 100 && (await group.members()).length < 5 - (group.guarantees.daemonsStayMembers ? 0 : 1); i++) {
  await new Promise((r) => setTimeout(r, 20));
}

const members = await group.members();
console.log(`\n${members.length} members:`);
for (const m of members) console.log(`  pid ${String(m.pid).padEnd(7)} ppid ${String(m.ppid).padEnd(7)} ${m.command}`);
console.log(members.some((m) => m.pid === daemonPid) ? '\nthe setsid daemon is a member' : '\nthe setsid daemon is NOT a member: this backend cannot hold daemons (see guarantees.limits)');

const t0 = performance.now();
await group.stop({ timeout: 2000 });
console.log(`\nstopped in ${(performance.now() - t0).toFixed(1)} ms; members now: ${JSON.stringify(await group.members())}; leader ${group.leader.signalCode ?? group.leader.exitCode}`);
if (!group.guarantees.daemonsStayMembers) {
  console.log(`the escaped daemon ${daemonPid} is still running: killing it by pid`);
  process.kill(daemonPid, 'SIGKILL');
}
