/**
 * The JSON Schema editors use to check plan files as they are typed (through the
 * yaml-language-server comment on each plan's first line). It is generated from the zod schema,
 * never edited by hand, and committed as plans/plan.schema.json; a test fails when it is stale.
 *
 * The input side of the schema is used: keys with defaults (support, dependsOn, timezone…) are
 * optional in a file even though the parsed Plan always has them. Draft-07 because that is the
 * draft yaml-language-server supports best.
 */
import * as z from 'zod';
import { planSchema } from './schema';

export function planJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(planSchema, { io: 'input', target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...generated,
    title: 'kehoach plan (kế hoạch)',
    description:
      'A provincial plan: its agencies, roles, escalation policy and tasks. Generated from src/plan/schema.ts by `npm run schema`; do not edit by hand. `kehoach validate` checks what a schema cannot (references, cycles, dates, calendars).',
  };
}

/** The file's exact text: stable key order, two-space indentation, final newline. */
export function planJsonSchemaText(): string {
  return `${JSON.stringify(planJsonSchema(), null, 2)}\n`;
}
