import { BACKEND_NAMES as backendOrder, type Backend, type BackendName, type ProbeResult } from './backend.js';
import { backendLoaders } from './backends/registry.js';
import { BackendUnavailableError, InvalidOptionError } from './errors/index.js';

/** `'auto'` (the default) or a backend by name. */
export type BackendChoice = BackendName | 'auto';

const loaded = new Map<BackendName, Promise<Backend>>();
const probed = new Map<BackendName, Promise<ProbeResult>>();

/** Validates a backend choice; `option` names where it came from (`backend`, `PG_BACKEND`). */
export function parseBackendChoice(value: unknown, option: string): BackendChoice {
  if (value === 'auto' || (typeof value === 'string' && (backendOrder as readonly string[]).includes(value))) {
    return value as BackendChoice;
  }
  throw new InvalidOptionError(option, value, `"auto" or one of ${backendOrder.map((b) => `"${b}"`).join(', ')}`);
}

/** The choice in effect: the option if given, else `PG_BACKEND`, else `'auto'`. */
export function effectiveChoice(option: unknown): BackendChoice {
  if (option !== undefined) return parseBackendChoice(option, 'backend');
  const fromEnv = process.env.PG_BACKEND;
  if (fromEnv !== undefined && fromEnv !== '') return parseBackendChoice(fromEnv, 'PG_BACKEND');
  return 'auto';
}

/** Loads a backend's module once. */
export function loadBackend(name: BackendName): Promise<Backend> {
  let backend = loaded.get(name);
  if (backend === undefined) {
    backend = backendLoaders[name]();
    loaded.set(name, backend);
  }
  return backend;
}

/**
 * Probes one backend once per process. A module that is not installed (a leaf package or koffi
 * missing: `ERR_MODULE_NOT_FOUND`) makes the backend unavailable, with the reason; any other
 * load error is a bug and is thrown, so that `auto` never falls back past a broken backend
 * without a word.
 */
function probeOnce(name: BackendName, fresh: boolean): Promise<ProbeResult> {
  let result = fresh ? undefined : probed.get(name);
  if (result === undefined) {
    result = loadBackend(name).then(
      async (backend) => {
        const found = await backend.probe();
        return found.available ? { ...found, guarantees: backend.guarantees() } : found;
      },
      (error: unknown) => {
        if (!isMissingModule(error)) throw error;
        return { backend: name, available: false, reason: `a module it needs is not installed: ${(error as Error).message}` };
      },
    );
    probed.set(name, result);
  }
  return result;
}

/**
 * Every backend with whether it works on this machine and why (not), strongest first.
 * Always probes afresh: this is what `pg doctor` reports.
 */
export function probe(): Promise<ProbeResult[]> {
  return Promise.all(backendOrder.map((name) => probeOnce(name, true)));
}

/** The backends that work here (probed once per process), strongest first. */
export async function availableBackends(): Promise<Backend[]> {
  const results = await Promise.all(backendOrder.map((name) => probeOnce(name, false)));
  return Promise.all(results.filter((r) => r.available).map((r) => loadBackend(r.backend)));
}

/**
 * The one place a backend is chosen. `auto` takes the first available in `backendOrder`; a
 * backend named explicitly is used only if available, else `BackendUnavailableError` lists
 * every probe's reason. There is never a silent fallback from a named backend.
 */
export async function selectBackend(choice: BackendChoice): Promise<Backend> {
  const results = await Promise.all(backendOrder.map((name) => probeOnce(name, false)));
  const pick = choice === 'auto' ? results.find((r) => r.available) : results.find((r) => r.backend === choice && r.available);
  if (pick !== undefined) return loadBackend(pick.backend);
  const message =
    choice === 'auto'
      ? 'no process-group backend is available on this machine:'
      : `backend "${choice}" is not available on this machine:`;
  throw new BackendUnavailableError(message, results);
}

/** Node's "cannot find module/package" errors (ESM and CommonJS). */
function isMissingModule(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}
