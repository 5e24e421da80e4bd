#!/usr/bin/env node
// A platform package's `prepack`: refuse to pack (or publish) it unless bin/pg-helper is there,
// executable, statically linked, and built for the package's own `cpu`. Run from its directory.
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readElf } from './elf.mjs';

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const binary = join(process.cwd(), 'bin', 'pg-helper');
const [cpu] = manifest.cpu ?? [];
try {
  accessSync(binary, constants.X_OK);
  const elf = readElf(binary);
  if (elf.cpu !== cpu) throw new Error(`${binary} is for ELF machine ${elf.machine} (${elf.cpu ?? 'unknown'}), not ${cpu}`);
  if (!elf.static) throw new Error(`${binary} is dynamically linked; a prebuilt pg-helper must be static`);
} catch (error) {
  const why = error.code === 'ENOENT' ? `${binary} does not exist` : error.code === 'EACCES' ? `${binary} is not executable` : error.message;
  console.error(`${manifest.name}: will not pack without its pg-helper: ${why}. Build it: npm run build -w ${manifest.name}`);
  process.exit(1);
}
