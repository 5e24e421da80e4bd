// A vitest global setup for the Windows tests: prepares the cached Wine prefix and node.exe
// (prepare-wine.sh), then starts the prefix's wineserver, kept running for the whole run so each
// node.exe starts in ~0.6 s instead of booting Wine again. The server and Wine's own services are
// started without the leak guard's mark (they are Wine, not something a test started); teardown
// ends them with `wineserver -k`, which ends every process of this prefix and nothing else, then
// waits for the server to exit, before the leak guard looks for leftovers.
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { wineEnvironment } from './wine.js';

export async function setup({ provide }: { provide: (key: string, value: unknown) => void }): Promise<() => Promise<void>> {
  const script = fileURLToPath(new URL('./prepare-wine.sh', import.meta.url));
  let dir: string;
  try {
    dir = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop() ?? '';
  } catch (error) {
    if ((error as { status?: number }).status === 3) {
      provide('wine', { unavailable: 'wine is not installed (apt-get install -y wine64, as .ci/system-deps does)' });
      return async () => {};
    }
    throw error;
  }
  provide('wine', { dir });
  const env = { ...wineEnvironment(dir) };
  delete env.PG_TEST_RUN;
  const server = spawn('wineserver', ['-p', '-f'], { env, stdio: 'ignore', detached: true });
  server.unref();
  // Boot the prefix's services (explorer, winedevice, …) now, under the unmarked environment.
  execFileSync('wine', ['cmd', '/c', 'exit'], { env, stdio: 'ignore', timeout: 120_000 });
  return async () => {
    const gone = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    execFileSync('wineserver', ['-k'], { env, stdio: 'ignore' });
    if (server.exitCode === null && server.signalCode === null) await gone;
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    wine: { dir: string } | { unavailable: string };
  }
}
