import type { CatalogueOf } from '../catalogue';
import type { apply as vi } from '../vi/apply';

export const apply: CatalogueOf<typeof vi> = {
  progress: {
    line: 'Plan {{planId}}, version {{version}}: {{bar}} {{done}}/{{total}} tasks',
    errors: '; {{count}} tasks refused the change',
    retrying: '; retrying after an error: {{message}}',
    finished:
      'Plan {{planId}}, version {{version}}: all {{total}} tasks handled ({{started}} started, {{amended}} amended, {{cancelled}} cancelled).',
  },
  reconciliation: {
    notFound: 'Plan "{{planId}}" has never been applied.',
  },
  usage: {
    transport: [
      '',
      'Where it goes: through the kehoach API (KEHOACH_URL, default http://127.0.0.1:$PORT; token from',
      'KEHOACH_TOKEN, else <KEHOACH_DATA_DIR>/admin.token written by `kehoach up`). With --direct, or when',
      'TEMPORAL_ADDRESS is set and KEHOACH_URL is not, straight to Temporal (no API process needed).',
      '',
      'Options:',
      '  --direct   talk to Temporal (TEMPORAL_ADDRESS, default 127.0.0.1:7233) instead of the API',
    ].join('\n'),
    diff: [
      'Usage: kehoach diff [files or folders…]   (default: plans/)',
      '',
      'Shows what applying the plans would change: tasks added, changed (field by field) and removed.',
      'Exit status: 0 no changes, 1 changes, 2 or more on errors (invalid plan, API or Temporal',
      'unreachable, token not allowed). Previewing takes an admin or leader token.',
    ].join('\n'),
    apply: [
      'Usage: kehoach apply [files or folders…]   (default: plans/)',
      '',
      'Validates every file, then applies each plan: starts new task workflows, amends changed ones,',
      'cancels removed ones. Nothing is applied when any file is invalid (exit 1). Applying the same',
      'content again changes nothing. The git commit of a committed, unmodified file is recorded.',
      'Exit status: 0 applied (or nothing to change), 1 invalid plan, 2 other errors (API or Temporal',
      'unreachable, token not allowed: applying takes an admin token).',
    ].join('\n'),
  },
  diff: {
    none: 'Plan {{planId}}: no changes.',
    summary: 'Plan {{planId}}: tasks added {{added}}, changed {{changed}}, removed {{removed}}.',
    contentOnly: "Plan {{planId}}: the plan's content changed; no task changed.",
    deadline: 'due {{deadline}}',
    deadlineAfterTask: 'due {{duration}} after {{task}} is done',
    noDeadline: 'no deadline',
    absent: '(none)',
    listAdded: 'added {{items}}',
    listRemoved: 'removed {{items}}',
    listReordered: 'reordered',
    timeOfDay: '{{time}} on {{date}}',
  },
  result: {
    unchanged: 'Plan {{planId}}: version {{version}} is already applied; nothing changed.',
    applied: 'Plan {{planId}}: version {{version}} applied{{commit}} — tasks started {{added}}, amended {{changed}}, cancelled {{removed}}.',
    commit: ' (commit {{commit}})',
  },
  command: {
    nothingApplied: 'Nothing was applied.',
    nothingCompared: 'Nothing was compared.',
    notFound: 'kehoach {{command}}: not found: {{paths}}. Name plan files or folders that exist. {{nothing}}',
    noPlanFiles: 'kehoach {{command}}: no plan files (*.yaml) in {{paths}}. {{nothing}}',
    duplicateId: '{{file}}: plan id "{{planId}}" is also used by {{other}}; each plan needs its own id.',
    invalidFiles: 'kehoach {{command}}: some plan files have errors (above). {{nothing}}',
    apiFoundErrors: 'kehoach {{command}}: the API found errors in {{file}} (above). {{nothing}}',
  },
  direct: {
    databaseUrlMissing: '--direct stores the plan version in the read model first: set DATABASE_URL to its Postgres (or apply through the API).',
  },
};
