/**
 * Writes plans/plan.schema.json from the zod plan schema. Run `npm run schema` after changing
 * src/plan/schema.ts; test/plan/json-schema.test.ts fails until the committed file matches.
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { planJsonSchemaText } from '../src/plan/json-schema';
import { PLAN_SCHEMA_FILE } from '../src/plan/load';

writeFileSync(PLAN_SCHEMA_FILE, planJsonSchemaText());
process.stdout.write(`wrote ${relative(process.cwd(), PLAN_SCHEMA_FILE)}\n`);
