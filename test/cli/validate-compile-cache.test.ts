/**
 * The V8 code cache that bin/kehoach.js turns on for short commands (bin/compile-cache.js): a warm
 * cache is used as it is, and no state of the cache file (missing, corrupt, unwritable) changes
 * what a module does or makes a run fail. Each run is a child process with its own installation
 * folder, so the real cache under node_modules/.cache is not touched.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const PLAN = join(ROOT, 'plans', 'nghe-an-771.yaml');

// Loads yaml and zod (CommonJS modules from node_modules) through the hook and uses both.
const SCRIPT = `
const [root, plan] = process.argv.slice(1);
require(${JSON.stringify(join(ROOT, 'bin', 'compile-cache.js'))}).enableCompileCache(root, 'validate');
const { parse } = require('yaml');
const { z } = require('zod');
const doc = parse(require('node:fs').readFileSync(plan, 'utf8'));
const checked = z.object({ id: z.string(), tasks: z.array(z.object({ id: z.string() }).passthrough()) }).passthrough().parse(doc);
process.stdout.write(JSON.stringify({ id: checked.id, tasks: checked.tasks.map((task) => task.id) }));
`;

function run(root: string, env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(process.execPath, ['-e', SCRIPT, root, PLAN], { encoding: 'utf8', env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`the child failed (${String(result.status)}): ${result.stderr}`);
  return result.stdout;
}

t.test('written on the first run, used as it is on the next, ignored when corrupt or unwritable', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'kehoach-compile-cache-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'node_modules', '.cache', 'kehoach-v8');
  const file = join(dir, `validate-${process.version}-${process.arch}.bin`);

  const expected = run(root, { KEHOACH_COMPILE_CACHE: 'off' });
  t.match(JSON.parse(expected), { id: 'nghe-an-771' }, 'the plan is read');
  t.throws(() => statSync(dir), 'KEHOACH_COMPILE_CACHE=off writes nothing');

  t.equal(run(root), expected, 'a cold run gives the same result');
  const written = statSync(file);
  t.ok(written.size > 100_000, 'and writes the cache');

  t.equal(run(root), expected, 'a warm run gives the same result');
  t.equal(statSync(file).mtimeMs, written.mtimeMs, 'and leaves the cache as it is: every module came from it');

  const bytes = readFileSync(file);
  const damaged = bytes.length - 1000;
  bytes.writeUInt8(bytes.readUInt8(damaged) ^ 0xff, damaged);
  writeFileSync(file, bytes);
  t.equal(run(root), expected, 'a cache with damaged bytes is not used');
  t.not(readFileSync(file).compare(bytes), 0, 'and is written again');

  writeFileSync(file, 'not a cache');
  t.equal(run(root), expected, 'a file that is not a cache is not used');

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
  writeFileSync(dir, 'a file where the folder should be');
  t.equal(run(root), expected, 'a cache that cannot be written does not fail the run');
});
