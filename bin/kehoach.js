#!/usr/bin/env node
// The `kehoach` command. It runs the JavaScript compiled into dist/ (`npm run build`, done by npm at
// install) when that is newer than every source file, so that a call starts in a fraction of a
// second (`validate` from one bundled file, the fastest start); otherwise, as on a checkout with
// edits not yet compiled, it runs the TypeScript sources through tsx.
'use strict';
const { readdirSync, statSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

/** The newest modification time under a folder (a few hundred stat calls: about a millisecond). */
function newestChange(dir) {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(file) : statSync(file).mtimeMs);
  }
  return newest;
}

function compiledIsCurrent() {
  try {
    const built = statSync(path.join(root, 'dist', '.built')).mtimeMs;
    return built >= newestChange(path.join(root, 'src')) && built >= statSync(path.join(root, 'tsconfig.json')).mtimeMs;
  } catch {
    return false;
  }
}

const argv = process.argv.slice(2);
let main;
if (compiledIsCurrent()) {
  // `validate` from its one-file bundle (scripts/build.js); what main() would do for it is call its run().
  main = argv[0] === 'validate' ? (args) => require('../dist/cli/validate.bundle.js').run(args.slice(1)) : require('../dist/cli/main.js').main;
} else {
  require('tsx/cjs');
  main = require('../src/cli/main.ts').main;
}
main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
