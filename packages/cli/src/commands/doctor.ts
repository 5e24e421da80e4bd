import { BACKEND_NAMES, probe } from '@pg/core';
import { flag, noPositionals, parseCommandLine, type OptionSpec } from '../argv.js';
import type { Command } from '../command.js';
import { kernelFeatures } from '../kernel-features.js';
import { printJson, printLines, showHelp } from '../output.js';

const spec = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const satisfies OptionSpec;

const help = `Usage: pg doctor [--json]

Reports every backend (${BACKEND_NAMES.join(', ')}), whether it works on this machine and why
(not), which one "auto" picks, and what pg uses: pidfd, pidfd ids (pidfs), the child subreaper,
pg-helper and its path, cgroup v2 and cgroup.kill, the controllers available, and whether this
user's cgroup is delegated (writable). The cgroup line says how leaders are placed (clone3 by
pg-helper, or a pre-exec step) and so whether groups die with their owner.

pg-helper comes prebuilt for Linux x64 and arm64 in an optional package of @pg/helper
(@pg/helper-linux-x64, @pg/helper-linux-arm64). Without it, the pg-helper line says what to do in
your app: install the missing platform package, build one with \`npx pg-helper-build\` (needs a C
compiler), or set PG_HELPER to the absolute path of a pg-helper binary.

Options:
  --json      print { "backends": [{ backend, available, reason }], "auto", "features": [{ feature, found, detail }] }
  -h, --help  show this help

Exit status: 0 when at least one backend is available; 1 when none is; 2 usage error.`;

/** `pg doctor`: what works here and why. */
export const doctorCommand: Command = {
  name: 'doctor',
  help,
  async run(argv, io) {
    const line = parseCommandLine(argv, spec, false);
    if (flag(line, 'help')) return showHelp(io, help);
    noPositionals(line);
    const backends = await probe();
    const features = kernelFeatures({ cgroupProbe: backends.find((b) => b.backend === 'cgroup') });
    const auto = backends.find((b) => b.available)?.backend ?? null;
    if (flag(line, 'json')) printJson(io, { backends, auto, features });
    else {
      printLines(io, [
        'backends:',
        ...backends.map((b) => `  ${b.available ? 'ok ' : 'no '} ${b.backend.padEnd(8)} ${b.reason}`),
        `  auto picks: ${auto ?? 'nothing (no backend available)'}`,
        'kernel:',
        ...features.map((f) => `  ${f.found ? 'ok ' : 'no '} ${f.feature.padEnd(16)} ${f.detail}`),
      ]);
    }
    return auto === null ? 1 : 0;
  },
};
