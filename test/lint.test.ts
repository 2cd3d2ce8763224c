/**
 * The guard rails `npm test` runs before the suites catch what they are there for: the same
 * mistakes, written into real files under src/workflows and src/cli, linted with the project's own
 * eslint.config.mjs. The src/cli copy is the control: Node built-ins are fine outside workflow code.
 */
import t from 'tap';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';

const root = path.resolve(__dirname, '..');

const probe = `import { readFileSync } from 'node:fs';
import { join } from 'path';
import { z } from 'zod';
import { openDatabase } from '../db/client';
import type { KehoachActivities as Activities } from '../activities/types';

async function record(): Promise<void> {}

export function probe(activities: Activities): unknown {
  record();
  return [readFileSync, join, z, openDatabase, activities];
}
`;

t.test('lint catches a floating promise, and Node built-ins, zod and the database in workflow code', { timeout: 600_000 }, async (t) => {
  const name = `lint-probe-${process.pid}.ts`;
  const inWorkflows = path.join(root, 'src', 'workflows', name);
  const inCli = path.join(root, 'src', 'cli', name);
  t.teardown(() => {
    rmSync(inWorkflows, { force: true });
    rmSync(inCli, { force: true });
  });
  writeFileSync(inWorkflows, probe);
  writeFileSync(inCli, probe);

  const eslint = new ESLint({ cwd: root });
  const results = await eslint.lintFiles([inWorkflows, inCli]);
  const findings = (file: string) =>
    results
      .find((result) => result.filePath === file)!
      .messages.map((message) => `${message.line}:${message.ruleId}`)
      .sort();

  t.same(
    findings(inWorkflows),
    [
      '10:@typescript-eslint/no-floating-promises',
      '1:no-restricted-imports',
      '2:no-restricted-imports',
      '3:no-restricted-imports',
      '4:no-restricted-imports',
    ],
    'in src/workflows: node:fs, path, zod and the database client are refused, import type of the activities is allowed, the floating promise is caught',
  );
  t.same(findings(inCli), ['10:@typescript-eslint/no-floating-promises'], 'in src/cli only the floating promise is an error');
});
