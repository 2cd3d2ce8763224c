// Installs the npm packages when a fresh clone has none (or the lockfile changed since), so that
// `npm start` and `npm test` work as the first commands a newcomer runs, and shows how far it got.
// Plain JavaScript on purpose: it runs before TypeScript tooling exists.
'use strict';
const { spawn } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

/** Where the lockfile's hash is kept after an install, so that a checkout or rebase that rewrites the file unchanged installs nothing. */
const INSTALLED_LOCK_HASH = path.join(root, 'node_modules', '.kehoach-lock-hash');

function lockHash() {
  return createHash('sha256')
    .update(readFileSync(path.join(root, 'package-lock.json')))
    .digest('hex');
}

function dependenciesInstalled() {
  if (existsSync(INSTALLED_LOCK_HASH)) return readFileSync(INSTALLED_LOCK_HASH, 'utf8').trim() === lockHash();
  // Installed by hand (npm install): npm's own record of the tree is newer than the lockfile.
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(marker)) return false;
  return statSync(marker).mtimeMs >= statSync(path.join(root, 'package-lock.json')).mtimeMs;
}

/** How many packages the lockfile installs on this platform (other platforms' optional binaries are skipped). */
function packagesToInstall() {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  const fits = (list, value) => !list || list.includes(value) || (list.some((entry) => entry.startsWith('!')) && !list.includes(`!${value}`));
  const libc = process.platform === 'linux' ? (process.report.getReport().header.glibcVersionRuntime ? 'glibc' : 'musl') : undefined;
  return Object.entries(lock.packages).filter(
    ([key, entry]) =>
      key !== '' && !entry.link && fits(entry.os, process.platform) && fits(entry.cpu, process.arch) && (!libc || fits(entry.libc, libc)),
  ).length;
}

/**
 * `npm ci`, not `npm install`: it installs exactly what package-lock.json pins and never writes to
 * it, so a fresh clone stays clean whatever npm version runs it. npm's own progress bar only shows
 * on a terminal; a count of the packages downloaded so far is printed every few seconds instead.
 */
function ensureDependencies() {
  if (dependenciesInstalled()) return Promise.resolve();
  const total = packagesToInstall();
  console.log(`Installing ${total} npm packages pinned by package-lock.json (npm ci; a minute or two on a fresh clone)…`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const started = Date.now();
  const child = spawn(npm, ['ci', '--no-audit', '--no-fund', '--no-progress', '--loglevel=http'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  let downloaded = 0;
  let pending = '';
  child.stderr.on('data', (chunk) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (/^npm http fetch GET \d+ \S+\.tgz/.test(line)) downloaded++;
      else if (!line.startsWith('npm http')) process.stderr.write(`${line}\n`);
    }
  });
  const seconds = () => Math.round((Date.now() - started) / 1000);
  const ticker = setInterval(() => console.log(`  ${Math.min(downloaded, total)} of ${total} packages fetched (${seconds()} s)`), 5000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearInterval(ticker);
      if (pending) process.stderr.write(`${pending}\n`);
      if (code !== 0) {
        console.error(
          'npm ci failed: see the output above. Check that the npm registry is reachable; if package.json and ' +
            'package-lock.json disagree, run `npm install` once and commit the lockfile.',
        );
        process.exit(code ?? 1);
      }
      writeFileSync(INSTALLED_LOCK_HASH, `${lockHash()}\n`);
      console.log(`npm packages installed in ${seconds()} s.`);
      resolve();
    });
  });
}

module.exports = { ensureDependencies, root };
