/** A `kehoach <command>` process of this checkout, for tests of the production topology. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
const kehoachBin = path.join(repoRoot, 'bin', 'kehoach.js');

export interface KehoachProcess {
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output: () => string;
  exited: Promise<number | null>;
}

export function startKehoach(args: string[], env: NodeJS.ProcessEnv): KehoachProcess {
  const child = spawn(process.execPath, [kehoachBin, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}
