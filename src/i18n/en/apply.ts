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
  direct: {
    databaseUrlMissing: '--direct stores the plan version in the read model first: set DATABASE_URL to its Postgres (or apply through the API).',
  },
};
