#!/usr/bin/env node
// The `kehoach` command. Sources are TypeScript, run through tsx so that a fresh clone needs no build step.
'use strict';
require('tsx/cjs');
require('../src/cli/main.ts').main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => { console.error(error instanceof Error ? error.message : error); process.exitCode = 2; },
);
