#!/usr/bin/env node
import { main } from './cli.js';

// Exit explicitly: an attached group keeps watching for emptiness (a timer or inotify), and a
// detached leader must not hold pg open. stdout and stderr are synchronous for files and pipes
// on Linux, so nothing written is lost.
const code = await main(process.argv.slice(2));
process.exit(code);
