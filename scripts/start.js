#!/usr/bin/env node
// `npm start`: install what is missing, then `kehoach up` (Temporal, Postgres, worker, API, plans applied).
'use strict';
const { ensureDependencies } = require('./bootstrap');

ensureDependencies()
  .then(() => {
    require('tsx/cjs');
    return require('../src/cli/main.ts').main(['up', ...process.argv.slice(2)]);
  })
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
