import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Workflow code imports calendar.ts (with statutory-holidays.ts and lunar.ts), timetable.ts,
// duration.ts and model.ts at run time, so
// they must stay deterministic and small; only the loaders may touch the file system.
const PLAN_DIR = join(__dirname, '..', '..', 'src', 'plan');
const sources = readdirSync(PLAN_DIR)
  .filter((file) => file.endsWith('.ts'))
  .map((file) => ({ file, text: readFileSync(join(PLAN_DIR, file), 'utf8') }));

/** Module specifiers a file imports or requires at run time (type-only imports excluded). */
function runtimeImports(text: string): string[] {
  const specifiers: string[] = [];
  for (const match of text.matchAll(/^\s*import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gm)) specifiers.push(match[1]!);
  for (const match of text.matchAll(/^\s*import\s+'([^']+)'/gm)) specifiers.push(match[1]!);
  for (const match of text.matchAll(/\brequire\(\s*'([^']+)'\s*\)/g)) specifiers.push(match[1]!);
  return specifiers;
}

/** Source without comments, so that documentation may mention what the code must not do. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"])\/\/.*$/gm, '$1');
}

t.test('the checks see real imports', async (t) => {
  t.same(runtimeImports("import { a } from 'x';\nimport type { B } from 'y';\nimport 'z';\nconst c = require('w');"), ['x', 'z', 'w']);
  t.ok(sources.some(({ file }) => file === 'calendar-file.ts'), 'src/plan is where the test looks');
});

t.test('only the loaders read files', async (t) => {
  for (const { file, text } of sources) {
    if (file === 'calendar-file.ts' || file === 'load.ts') continue;
    const fsImports = runtimeImports(text).filter((specifier) => /^(node:)?fs(\/promises)?$/.test(specifier));
    t.same(fsImports, [], `${file} does not import the file system`);
  }
});

t.test('workflow-safe modules import neither zod nor Node built-ins', async (t) => {
  const safe = ['calendar.ts', 'statutory-holidays.ts', 'lunar.ts', 'timetable.ts', 'duration.ts', 'model.ts'];
  for (const file of safe) {
    const source = sources.find((candidate) => candidate.file === file);
    t.ok(source, `${file} exists`);
    const forbidden = runtimeImports(source!.text).filter((specifier) => specifier === 'zod' || specifier.startsWith('node:') || !specifier.startsWith('.'));
    t.same(forbidden, [], `${file} imports only sibling modules`);
    for (const specifier of runtimeImports(source!.text)) {
      t.ok(safe.includes(`${specifier.slice(2)}.ts`), `${file} → ${specifier} stays workflow-safe`);
    }
  }
});

t.test('nothing in src/plan reads the clock', async (t) => {
  for (const { file, text } of sources) {
    const body = code(text);
    t.notMatch(body, /\bDate\.now\s*\(/, `${file} does not call Date.now()`);
    t.notMatch(body, /\bnew\s+Date\s*\(\s*\)/, `${file} does not call new Date() without an argument`);
    t.notMatch(body, /\bperformance\.now\s*\(/, `${file} does not call performance.now()`);
  }
});
