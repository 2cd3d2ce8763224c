/**
 * How long `kehoach validate plans/` takes from the shell, beside the primitive under it: `node -e 0`,
 * Node starting and stopping with nothing to do. The two run interleaved, N times each (default 10),
 * so that a change in the machine's load touches both alike; the medians, their ratio and the load
 * average are printed and written to bench/results/cli-start.json (git-ignored).
 *
 *   npm run bench:cli-start -- 20
 *
 * Not a test: the figure depends on the machine and on what else runs on it. See BENCHMARKS.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(ROOT, 'bench', 'results', 'cli-start.json');

interface Command {
  label: string;
  args: string[];
}

const COMMANDS: Command[] = [
  { label: 'node -e 0', args: ['-e', '0'] },
  { label: 'kehoach validate plans/', args: [path.join(ROOT, 'bin', 'kehoach.js'), 'validate', 'plans/'] },
];

function newestChange(dir: string): number {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(file) : statSync(file).mtimeMs);
  }
  return newest;
}

/** Whether bin/kehoach.js will run dist/ (as after `npm run build`) rather than the sources through tsx. */
function compiledIsCurrent(): boolean {
  try {
    return statSync(path.join(ROOT, 'dist', '.built')).mtimeMs >= newestChange(path.join(ROOT, 'src'));
  } catch {
    return false;
  }
}

function timeOnce(command: Command): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, command.args, { cwd: ROOT, encoding: 'utf8' });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command.label} exited with ${String(result.status)}:\n${result.stdout}${result.stderr}`);
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function main(): void {
  const runs = Number(process.argv[2] ?? 10);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`usage: npm run bench:cli-start -- [runs ≥ 1], got ${process.argv[2]}`);
  const compiled = compiledIsCurrent();
  if (!compiled) console.log('Note: dist/ is older than src/, so kehoach runs the sources through tsx. Run `npm run build` first.');

  // One run of each first, not counted: it fills the page cache.
  for (const command of COMMANDS) timeOnce(command);
  const loadBefore = os.loadavg();
  const samples = COMMANDS.map(() => [] as number[]);
  for (let run = 0; run < runs; run++) COMMANDS.forEach((command, index) => samples[index]!.push(timeOnce(command)));
  const loadAfter = os.loadavg();

  const medians = samples.map(median);
  const [primitive, validate] = medians as [number, number];
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    loadAverage: { before: loadBefore, after: loadAfter },
    compiled,
    runs,
    commands: COMMANDS.map((command, index) => ({ label: command.label, medianMs: medians[index], samplesMs: samples[index] })),
    ratio: validate / primitive,
    overheadMs: validate - primitive,
  };
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);

  const load = (values: number[]): string => values.map((value) => value.toFixed(2)).join(' ');
  console.log(`${runs} interleaved runs each; Node ${process.version}, ${result.cpus} CPUs; load average ${load(loadBefore)} → ${load(loadAfter)}`);
  COMMANDS.forEach((command, index) => {
    const sorted = [...samples[index]!].sort((a, b) => a - b);
    console.log(
      `  ${command.label.padEnd(26)} median ${medians[index]!.toFixed(0).padStart(5)} ms   (min ${sorted[0]!.toFixed(0)}, max ${sorted[sorted.length - 1]!.toFixed(0)})`,
    );
  });
  console.log(`  validate / node -e 0: ${result.ratio.toFixed(2)}×, ${result.overheadMs.toFixed(0)} ms above starting Node`);
  console.log(`Written to ${path.relative(ROOT, RESULTS)}`);
}

main();
