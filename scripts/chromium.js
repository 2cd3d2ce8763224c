// The browser the web dashboard's tests drive (playwright-core, no bundled browser): Debian's
// `chromium` package, installed with apt when it is missing, as scripts/test.js installs the
// Temporal binaries. KEHOACH_CHROMIUM_PATH points the tests at another Chromium.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

function findChromium() {
  const explicit = process.env.KEHOACH_CHROMIUM_PATH;
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  return CANDIDATES.find((candidate) => existsSync(candidate));
}

/** The Chromium executable, installed with apt-get first when none is found (needs root or sudo). */
function ensureChromium() {
  const found = findChromium();
  if (found) return found;
  console.log('Installing Chromium for the browser tests (apt-get install -y chromium)…');
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const run = (args) => spawnSync(asRoot ? 'apt-get' : 'sudo', asRoot ? args : ['apt-get', ...args], { stdio: 'inherit' });
  if (run(['install', '-y', '--no-install-recommends', 'chromium']).status !== 0) {
    run(['update']);
    run(['install', '-y', '--no-install-recommends', 'chromium']);
  }
  const installed = findChromium();
  if (!installed) {
    throw new Error('Chromium is needed by the browser tests: install it with `apt-get install chromium` or set KEHOACH_CHROMIUM_PATH.');
  }
  return installed;
}

module.exports = { ensureChromium, findChromium };
