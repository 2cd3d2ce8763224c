// Lint run by `npm test` (scripts/test.js) before the type check and the suites. Two rules matter most,
// as in the Temporal samples: no promise left floating, and workflow code that imports nothing it
// cannot run deterministically inside the workflow sandbox.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Modules that workflow code (src/workflows) and the shared domain vocabulary (src/domain) must not import. */
const workflowForbidden = {
  paths: [
    ...builtinModules.filter((name) => !name.startsWith('_')).flatMap((name) => [name, `node:${name}`]),
    { name: 'zod', message: 'zod stays at the edges (API, plan loader, activities): in workflow code it leaks memory in the workflow cache.' },
    { name: 'drizzle-orm', message: 'No database client in workflow code: go through an activity.' },
    { name: 'postgres', message: 'No database client in workflow code: go through an activity.' },
  ].map((entry) =>
    typeof entry === 'string'
      ? { name: entry, message: 'Node built-ins are not deterministic: workflow code may not import them (use an activity).' }
      : entry,
  ),
  patterns: [
    {
      group: ['zod/*', 'drizzle-orm/*'],
      message: 'zod and the database client are not allowed in workflow code.',
    },
    {
      group: ['**/db', '**/db/*', '**/api', '**/api/*', '**/activities', '**/activities/*', '!**/activities/types'],
      allowTypeImports: true,
      message:
        'Workflow and domain code may not import the database, the API or the activities at run time (import type is fine: activities are called through proxyActivities).',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', '.tools/', '.tap/', 'coverage/', 'bench/results/', 'src/db/migrations/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['drizzle.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Forgetting to await an activity, a workflow API, a reply or a close is a bug.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Rejecting control characters in user input is a feature here: those regular expressions mean it.
      'no-control-regex': 'off',
      // A teardown registered before the resource it closes exists reads the variable before its one assignment.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // tap queues subtests itself: `t.test(...)` is not awaited by design.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafePromises: [{ from: 'package', name: 'PromiseWithSubtest', package: '@tapjs/core' }] },
      ],
    },
  },
  {
    // The plan's time arithmetic is pure: instants come in as arguments, never from the clock.
    files: ['src/plan/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Pass the instant in: src/plan is pure and shared with the workflows.' },
        { object: 'performance', property: 'now', message: 'Pass the instant in: src/plan is pure and shared with the workflows.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Pass the instant in: src/plan is pure and shared with the workflows.',
        },
      ],
    },
  },
  {
    // Only the loaders touch the file system; the rest of src/plan is plain data in, plain data out.
    files: ['src/plan/**/*.ts'],
    ignores: ['src/plan/load.ts', 'src/plan/calendar-file.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['fs', 'node:fs', 'fs/promises', 'node:fs/promises'].map((name) => ({
            name,
            message: 'Only the loaders (load.ts, calendar-file.ts) read files.',
          })),
        },
      ],
    },
  },
  {
    // Workflow code, the domain vocabulary, and the plan modules the workflows import at run time.
    files: [
      'src/workflows/**/*.ts',
      'src/domain/**/*.ts',
      'src/plan/calendar.ts',
      'src/plan/statutory-holidays.ts',
      'src/plan/lunar.ts',
      'src/plan/timetable.ts',
      'src/plan/duration.ts',
      'src/plan/model.ts',
    ],
    rules: { 'no-restricted-imports': ['error', workflowForbidden] },
  },
  {
    // Plain CommonJS entry points that run before any TypeScript tooling exists.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: Object.fromEntries(
        ['require', 'module', '__dirname', 'process', 'console', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'].map((name) => [
          name,
          'readonly',
        ]),
      ),
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
