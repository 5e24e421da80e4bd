#!/usr/bin/env node
// The `pg` command. This file is committed (not built) so that npm can link it into
// node_modules/.bin at install time, before `prepare` has built dist/.
import '../dist/main.js';
