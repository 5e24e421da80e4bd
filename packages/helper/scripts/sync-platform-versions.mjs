#!/usr/bin/env node
// After `changeset version`: give every platform package (@pg/helper-linux-x64, -arm64) the
// version of @pg/helper, and make @pg/helper's optionalDependencies name exactly that version.
// Changesets versions npm workspaces only, and the platform packages cannot be workspaces (npm
// refuses a workspace whose `cpu` is not this machine's), so their version follows @pg/helper's,
// as esbuild's platform packages follow esbuild's. Root: `npm run version-packages`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir } from './compiler.mjs';

const read = (path) => JSON.parse(readFileSync(path, 'utf8'));
const write = (path, manifest) => writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);

const helperPath = join(packageDir, 'package.json');
const helper = read(helperPath);
for (const name of Object.keys(helper.optionalDependencies ?? {})) {
  const path = join(packageDir, '..', name.replace('@pg/', ''), 'package.json');
  const platform = read(path);
  if (platform.name !== name) throw new Error(`${path} is ${platform.name}, expected ${name}`);
  if (platform.version !== helper.version) {
    console.log(`${name}: ${platform.version} -> ${helper.version}`);
    write(path, { ...platform, version: helper.version });
  }
  helper.optionalDependencies[name] = helper.version;
}
write(helperPath, helper);
