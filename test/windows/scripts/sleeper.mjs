// A member that does nothing for a long time: `node sleeper.mjs TOKEN [ms]`. TOKEN is only there
// to be found in its command line (/proc/PID/cmdline from the Linux side).
setTimeout(() => {}, Number(process.argv[3] ?? 120_000));
