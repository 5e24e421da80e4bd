// A socket-activated HTTP service. It takes its listening socket from the activator (systemd,
// systemd-socket-activate, or pg's activate()), checks it is the intended target (LISTEN_PID,
// and LISTEN_PIDFDID when the activator sets it), and serves on it. It never binds a port itself.
import http from 'node:http';
import { findListenFd, listenFds, listenServer } from '@pg/listen-fds';

// Read before listenFds() removes the variables from the environment (so that nothing this
// service starts later inherits them).
const identity = process.env.LISTEN_PIDFDID === undefined ? 'pid only' : `pidfd id ${process.env.LISTEN_PIDFDID}`;

// [] when the sockets are not for this process: no LISTEN_PID, another pid (a wrapper such as
// `sh -c` or `npm start` stood in between), or another process's pidfd id.
const fds = listenFds();
if (fds.length === 0) {
  console.error('server.mjs: not socket-activated for this process; start it under an activator (see README.md)');
  process.exit(1);
}

// Prefer the socket named "http"; a bare activator names everything "unknown".
const passed = fds.find((f) => f.name === 'http') ?? findListenFd(fds, 'unknown');
const server = http.createServer((req, res) => {
  res.end(`hello from pid ${process.pid} on fd ${passed.fd} "${passed.name}" (checked: ${identity})\n`);
});
await listenServer(passed, server);
console.error(`server.mjs: serving on fd ${passed.fd} (${passed.name}), checked ${identity}`);

process.on('SIGTERM', () => server.close(() => process.exit(0)));
