import { readdir } from 'node:fs/promises';
import { CTFS_PROCESS } from './constants.js';
import { ContractError, systemCode } from './errors.js';

/**
 * The ids of every process contract this zone shows (`/system/contract/process/<id>`), sorted.
 * Read with `readStatus` for holder, state and members. illumos only (ContractError otherwise).
 */
export async function processContractIds(): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(CTFS_PROCESS);
  } catch (cause) {
    const code = systemCode(cause) ?? 'EIO';
    throw new ContractError(`${CTFS_PROCESS}: ${code}`, code === 'ENOENT' ? 'EUNSUPPORTED' : code, 'readdir', { cause });
  }
  return names.filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
}
