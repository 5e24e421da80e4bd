import { defineConfig } from 'tsup';
import { base } from '../../tsup.base.js';

// `testing` is the fake libcontract for tests off illumos (`@pg/contract/testing`).
export default defineConfig({ ...base, entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' } });
