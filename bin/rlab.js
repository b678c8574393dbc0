#!/usr/bin/env node
// The `rlab` command: the bundled CLI (built by `npm run build`, which `npm ci` runs through the prepare script).
require('../dist/cli.js');
