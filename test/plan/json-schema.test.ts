import t from 'tap';
import { readFileSync } from 'node:fs';
import { planJsonSchema, planJsonSchemaText } from '../../src/plan/json-schema';
import { PLAN_SCHEMA_FILE } from '../../src/plan/load';

interface JsonSchemaNode {
  type?: string;
  required?: string[];
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: boolean | JsonSchemaNode;
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
}

t.test('plans/plan.schema.json is up to date with src/plan/schema.ts', async (t) => {
  const committed = readFileSync(PLAN_SCHEMA_FILE, 'utf8');
  const fresh = planJsonSchemaText();
  if (committed !== fresh) {
    t.fail('plans/plan.schema.json is stale: run `npm run schema` and commit the result');
  } else {
    t.pass('the committed schema matches the generated one');
  }
});

t.test('the schema describes the input side: keys with defaults are optional', async (t) => {
  const schema = planJsonSchema() as JsonSchemaNode & { $schema?: string };
  t.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#', 'draft-07 for yaml-language-server');
  t.same(schema.required, ['id', 'code', 'title', 'issuer', 'issuedOn', 'calendar', 'agencies', 'roles', 'tasks']);
  t.equal(schema.additionalProperties, false, 'unknown top-level keys are flagged in the editor');
  const task = schema.properties!.tasks!.items!;
  t.same(task.required, ['id', 'title', 'lead', 'output']);
  t.equal(task.additionalProperties, false);
  t.ok(task.properties!.deadline!.anyOf, 'deadline keeps its alternative forms');
  const roles = schema.properties!.roles!;
  t.same(roles.required, ['standing_office', 'chair']);
  t.type(roles.additionalProperties, 'object', 'further roles are allowed and checked');
});
