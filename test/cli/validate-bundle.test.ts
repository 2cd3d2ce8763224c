/**
 * `kehoach validate` starts from one bundled file (scripts/build.js, esbuild) when dist/ is built.
 * The bundle must say exactly what the sources say: same catalogues, same calendars and schema
 * found through its __dirname, same exit codes. Bundled here into a temporary folder of the
 * git-ignored dist/, two folders below the root as the real bundle is, then run beside the sources.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bundleValidate } = require('../../scripts/build.js') as { bundleValidate(outfile: string): void };

mkdirSync(join(ROOT, 'dist'), { recursive: true });
const folder = mkdtempSync(join(ROOT, 'dist', 'validate-bundle-test-'));
t.teardown(() => rmSync(folder, { recursive: true, force: true }));
const bundle = join(folder, 'validate.bundle.js');
bundleValidate(bundle);

// Loads a module exporting run(args) and exits with its code, as bin/kehoach.js does.
const runner = join(folder, 'run.js');
writeFileSync(runner, 'require(process.argv[2]).run(process.argv.slice(3)).then((code) => { process.exitCode = code; });\n');

function validate(module: string, args: string[], language: string, input?: string) {
  const nodeArgs = module.endsWith('.ts') ? ['--import', 'tsx', runner, module] : [runner, module];
  const result = spawnSync(process.execPath, [...nodeArgs, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    input,
    env: { ...process.env, KEHOACH_LANG: language },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const SOURCES = join(ROOT, 'src', 'cli', 'validate.ts');
const INVALID = 'test/fixtures/plans/invalid';

for (const [label, args, language, expectedStatus] of [
  ['the shipped plans, in Vietnamese', [], 'vi', 0],
  ['every invalid fixture, in Vietnamese', [INVALID], 'vi', 1],
  ['every invalid fixture as JSON, in English', [INVALID, '--json'], 'en', 1],
  ['a usage error', ['--nope'], 'en', 2],
] as const) {
  t.test(`the bundle answers as the sources do: ${label}`, async (t) => {
    const fromSources = validate(SOURCES, [...args], language);
    const fromBundle = validate(bundle, [...args], language);
    t.equal(fromSources.status, expectedStatus, fromSources.stderr);
    t.ok(fromSources.stdout.length + fromSources.stderr.length > 0, 'the sources said something');
    t.same(fromBundle, fromSources);
  });
}

t.test('the bundle reads a plan from standard input', async (t) => {
  const text = readFileSync(join(ROOT, 'plans', 'nghe-an-771.yaml'), 'utf8');
  const fromBundle = validate(bundle, ['-'], 'en', text);
  t.equal(fromBundle.status, 0, fromBundle.stdout + fromBundle.stderr);
  t.same(fromBundle, validate(SOURCES, ['-'], 'en', text));
});
