// Installs the npm packages when a fresh clone has none (or the lockfile changed since), so that
// `npm start` and `npm test` work as the first commands a newcomer runs. Plain JavaScript on
// purpose: it runs before TypeScript tooling exists.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, statSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function dependenciesInstalled() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(marker)) return false;
  return statSync(marker).mtimeMs >= statSync(path.join(root, 'package-lock.json')).mtimeMs;
}

function ensureDependencies() {
  if (dependenciesInstalled()) return;
  // `npm install`, not `npm ci`: both install the versions pinned in package-lock.json, but npm ci
  // refuses a lockfile without other platforms' optional binaries (@swc/core-darwin-*), which a
  // registry mirror serving only this platform's packages cannot put there.
  console.log('Installing npm packages (npm install, pinned by package-lock.json)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('npm install failed: see the output above. Check that the npm registry is reachable, then run it again.');
    process.exit(result.status ?? 1);
  }
}

module.exports = { ensureDependencies, root };
