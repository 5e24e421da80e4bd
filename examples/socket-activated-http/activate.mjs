// Starts server.mjs socket-activated on 127.0.0.1:8080 (or the address in argv[2]) with pg's own
// activator: the socket at fd 3 named "http", and LISTEN_PID / LISTEN_PIDFDID set to the
// server's own pid and pidfd id.
import { activate } from '@pg/listen-fds';

const address = process.argv[2] ?? '127.0.0.1:8080';
const { child, pid, pidfdId } = await activate(process.execPath, [new URL('./server.mjs', import.meta.url).pathname], {
  sockets: [{ socket: address, name: 'http' }],
});
console.error(`activate.mjs: started pid ${pid} (pidfd id ${pidfdId ?? 'unavailable'}) on ${address}`);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 0 : 1)));
