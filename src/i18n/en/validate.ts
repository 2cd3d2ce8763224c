import type { CatalogueOf } from '../catalogue';
import type { validate as vi } from '../vi/validate';

/** English adds the `_one` plural forms that Vietnamese does not need. */
type English = CatalogueOf<typeof vi> & {
  cli: { files_one: string; errors_one: string; warnings_one: string };
  semantics: { targetNoValueUnits_one: string };
};

export const validate: English = {
  cli: {
    usage: `Usage: kehoach validate [paths…] [--json]

Checks plan files (a directory stands for its *.yaml and *.yml files; default: plans/;
"-" reads one plan from standard input) and prints every problem as
file:line:col: error|warning: message.

Options:
  --json    print the diagnostics as a JSON array instead
  -h, --help  show this help

Exit status: 0 all valid (warnings allowed), 1 some file invalid, 2 usage error.`,
    pathNotFound: 'path not found: {{paths}}',
    noPlanFiles: 'no plan files (*.yaml, *.yml) in {{paths}}',
    files_one: '{{count}} file',
    files_other: '{{count}} files',
    errors_one: '{{count}} error',
    errors_other: '{{count}} errors',
    warnings_one: '{{count}} warning',
    warnings_other: '{{count}} warnings',
    allValid: 'all valid',
    invalid: '{{invalid}} invalid',
    summary: '{{files}} checked: {{verdict}}; {{errors}}, {{warnings}}',
  },
  place: {
    plan: 'the plan',
    task: "task '{{id}}'",
    taskNumber: 'task {{number}}',
    agency: "agency '{{id}}'",
    agencyNumber: 'agency {{number}}',
    source: 'source {{number}}',
    ladderLevel: 'ladder level {{number}} of {{owner}}',
    contact: 'contact {{number}} of {{owner}}',
    reminder: 'reminder {{number}} of {{owner}}',
    item: "item {{number}} of '{{key}}' in {{owner}}",
    planEscalation: "the plan's escalation policy",
    planKey: "the plan's {{key}}",
    role: "role '{{name}}'",
    escalation: 'the escalation policy of {{owner}}',
    key: 'the {{key}} of {{owner}}',
    field: "'{{key}}' in {{owner}}",
  },
  hint: {
    id: 'id: <ascii id>',
    code: 'code: "771/KH-UBND"',
    title: 'title: <title in Vietnamese>',
    issuer: 'issuer: UBND tỉnh …',
    issuedOn: 'issuedOn: 2022-11-07',
    calendar: 'calendar: vn',
    agencies: 'agencies: (a list of agencies)',
    roles: 'roles: { standing_office: { agency: … }, chair: { agency: … } }',
    tasks: 'tasks: (a list of tasks)',
    name: 'name: <full name>',
    kind: 'kind: department',
    lead: 'lead: <agency id> (cơ quan chủ trì)',
    output: 'output: <the expected result> (sản phẩm)',
    standing_office: 'standing_office: { agency: <agency id> } (cơ quan thường trực)',
    chair: 'chair: { agency: <agency id> } (Tổ trưởng)',
    after: 'after: "3 working days"',
    to: 'to: standing_office',
    action: 'action: Đôn đốc',
    within: 'within: "10 working days"',
    every: 'every: month',
    from: 'from: 2023-01-01',
    until: 'until: 2023-12-31',
    metric: 'metric: <what is measured>',
    unit: 'unit: <unit of the value>',
    value: 'value: 100',
    role: 'role: staff',
    channel: 'channel: email',
    address: 'address: <e-mail address or URL>',
  },
  yaml: {
    syntax: 'YAML syntax: {{detail}}',
    badIndent: 'YAML syntax: {{detail}}; check the indentation of this line against the lines above',
    tab: 'YAML syntax: tabs cannot indent YAML; indent with spaces',
    blockAsImplicitKey:
      'YAML syntax: this value contains ": " (a colon and a space) or is indented under a value, so YAML reads it as a new key; put the whole value in double quotes, or fix the indentation',
    multilineKey: 'YAML syntax: a key must fit on one line; check the indentation of this line and of the line after it',
    unclosedQuote: 'YAML syntax: this quote is never closed, so YAML reads the rest of the file as one text; close it at the end of the value',
    unclosedList: "YAML syntax: the list opened with '[' on this line is not closed; end it with ']' on the same line",
    unclosedMapping: "YAML syntax: the mapping opened with '{' on this line is not closed; end it with '}' on the same line",
    // English output keeps the yaml package's own sentence, which is more specific; these are the
    // per-code texts other languages translate.
    code: {
      ALIAS_PROPS: 'an alias (*name) cannot carry an anchor or a tag',
      BAD_ALIAS: 'this alias (*name) names no anchor (&name) written before it',
      BAD_DIRECTIVE: 'this % directive is not one YAML knows',
      BAD_DQ_ESCAPE: 'this backslash escape inside double quotes is not valid',
      BAD_INDENT: 'this line is not indented as the lines around it',
      BAD_PROP_ORDER: 'an anchor (&name) or a tag must come before the value it marks',
      BAD_SCALAR_START: 'a plain value cannot start with this character; put the value in quotes',
      BLOCK_AS_IMPLICIT_KEY: 'a value written over several lines cannot be a key',
      BLOCK_IN_FLOW: 'inside [ ] or { } every item must be on the same line as its key, without "- " lists',
      DUPLICATE_KEY: 'this key appears twice in the same mapping',
      IMPOSSIBLE: 'this part of the file cannot be read',
      KEY_OVER_1024_CHARS: 'a key may be at most 1024 characters long',
      MISSING_CHAR: 'a character is missing here (a closing bracket, quote or colon)',
      MULTILINE_IMPLICIT_KEY: 'a key must fit on one line',
      MULTIPLE_ANCHORS: 'a value may carry only one anchor (&name)',
      MULTIPLE_DOCS: 'a plan file holds one document; remove the "---" or "..." line that starts another',
      MULTIPLE_TAGS: 'a value may carry only one tag',
      NON_STRING_KEY: 'a key must be a word, not a list or a mapping',
      RESOURCE_EXHAUSTION: 'this part of the file is too large or too deeply nested to read',
      TAB_AS_INDENT: 'tabs cannot indent YAML',
      TAG_RESOLVE_FAILED: 'this value does not match its tag',
      UNEXPECTED_TOKEN: 'this character is not expected here',
      BAD_COLLECTION_TYPE: 'this tag does not fit a list or a mapping',
      other: 'this is not valid YAML',
    },
  },
  structure: {
    emptyPlan: 'the plan file is empty; start with `id:`, `code:`, `title:`, … as in plans/README.md',
    notMapping: '{{field}} must be a mapping of keys and values, for example:\n  {{example}}',
    invalidKey: 'keys in {{where}} must be words such as {{examples}}',
    duplicateKey: "key '{{key}}' appears twice in {{where}} (first on line {{line}}); keep one of them",
    noValueHint: '{{field}} has no value; write `{{hint}}` or remove the key',
    noValue: '{{field}} has no value; write a value after the colon or remove the key',
    missingKey: "missing key '{{key}}' in {{where}}",
    missingKeyHint: "missing key '{{key}}' in {{where}}; add `{{hint}}`",
    unknownKeySuggestion: "unknown key '{{key}}' in {{where}}; did you mean '{{suggestion}}'?",
    unknownKey: "unknown key '{{key}}' in {{where}}; the allowed keys are {{allowed}}",
    notList: '{{field}} must be a list: one item per line starting with "- ", or [a, b]',
    notListExample: '{{field}} must be a list: one item per line starting with "- ", or [a, b] (for example {{key}}: [so-tu-phap, cong-an-tinh])',
    tooFewItems: '{{field}} must have at least {{minimum}} item; add one',
    deadlineShape:
      '{{field}} must be a date (2022-12-25), a date-time (2022-12-25T17:00), "none" for ongoing work (thường xuyên), or { within: "10 working days", after: issue }',
    targetShape: '{{field}} must be one of {{targets}}, or { agency: <agency id> }, or { role: <role name> }',
    unitsShape: '{{field}} must be a list of agency ids ([huyen-quynh-luu, huyen-hung-nguyen]) or { kind: district_committee }',
    roleShape: '{{field}} must be { agency: <agency id> } or { contact: { name: …, channel: email, address: … } }',
    otherShape: '{{field}} must match one of {{forms}} allowed forms; see plans/plan.schema.json',
    didYouMean: "{{field}} is '{{value}}'; did you mean '{{suggestion}}'?",
    writeOneOf: "{{field}} is '{{value}}'; write one of {{allowed}}",
    writeIsoDate: "{{field}} is '{{value}}'; write dates as YYYY-MM-DD: {{iso}}",
    impossibleDate: "{{field}} is '{{value}}', which is not a real date ({{reason}}); write a date that exists, YYYY-MM-DD",
    impossibleDateTime: "{{field}} is '{{value}}', which is not a real date ({{reason}}); write a date and time that exist, YYYY-MM-DDTHH:MM",
    notSingleMapping: '{{field}} must be a single value, not a mapping',
    notSingleList: '{{field}} must be a single value, not a list',
    mustBeText: '{{field}} must be text, not {{value}} (put it in quotes if it looks like a number or a date)',
    mustBeNumber: '{{field}} must be a number, not {{value}}',
    mustBeBoolean: '{{field}} must be true or false, not {{value}}',
    mustBeType: '{{field}} must be {{type}}, not {{value}}',
    empty: '{{field}} must not be empty',
    tooSmall: '{{field}} is {{value}}; it must be at least {{minimum}}',
    tooBig: '{{field}} is {{value}}; it must be at most {{maximum}}',
    badFormat: '{{field}} is {{value}}; it {{rule}}',
    invalid: '{{field}} is {{value}}: {{reason}}',
    planInvalid: '{{field}}: {{reason}}',
  },
  // The first four are the schema's own messages (src/plan/schema.ts), matched by their English text.
  format: {
    slug: 'must be an ASCII id: lower-case letters, digits, "-" or "_" (for example "so-tu-phap")',
    date: 'must be a real date written YYYY-MM-DD (for example 2022-11-07)',
    dateTime: 'must be a date-time written YYYY-MM-DDTHH:MM (for example 2022-11-30T17:00)',
    duration: 'must be a number and a unit, for example "3 working days", "30 days", "4 hours" or "15 minutes"',
  },
  date: {
    noMonth: 'there is no month {{month}}',
    noDayZero: 'there is no day 0',
    monthDays: '{{month}} {{year}} has {{days}} days',
    noHour: 'there is no hour {{hour}}; for the end of the day write the date alone',
    minutes: 'minutes and seconds go up to 59',
  },
  month: {
    jan: 'January',
    feb: 'February',
    mar: 'March',
    apr: 'April',
    may: 'May',
    jun: 'June',
    jul: 'July',
    aug: 'August',
    sep: 'September',
    oct: 'October',
    nov: 'November',
    dec: 'December',
  },
  semantics: {
    agencyParent: 'the parent of {{owner}} is',
    rolePoints: "role '{{name}}' points at",
    lead: 'the lead (cơ quan chủ trì) of {{owner}} is',
    support: 'the support agencies (cơ quan phối hợp) of {{owner}} include',
    units: 'the units of {{owner}} include',
    unitsUnder: 'the units of {{owner}} are under',
    unitsWithin: 'the units of {{owner}} are within',
    ladderTo: 'ladder level {{number}} of {{owner}} goes to',
    unknownAgencySuggestion: "{{what}} '{{value}}', which is not an agency of this plan; did you mean '{{suggestion}}'?",
    unknownAgency: "{{what}} '{{value}}', which is not an agency of this plan; add it under 'agencies' or use one of the ids listed there",
    emptyUnits:
      "the units of {{owner}} select agencies of kind '{{kind}}'{{under}}, but the plan has none; add those agencies under 'agencies' (with `parent: {{parent}}` where needed) or list the unit ids instead",
    emptyUnitsUnder: " under '{{id}}'",
    emptyUnitsWithin: " within '{{id}}'",
    perUnitWithoutUnits:
      "{{owner}} has 'perUnit' targets but no 'units'; add `units:` (the agencies that each carry the task) or give one 'value' for the task",
    perUnitTwice: "'{{agency}}' has a second target in {{owner}} (the first is on line {{line}}); keep one",
    perUnitNotUnitSuggestion: "'{{agency}}' is not one of the units of {{owner}}; did you mean '{{suggestion}}'?",
    perUnitNotUnit: "'{{agency}}' is not one of the units of {{owner}}; use one of {{units}}",
    targetNoValue: "the target of {{owner}} has no 'value'; add `value: 100` for every unit, or each unit's own value under 'perUnit'",
    targetNoValueUnits_one:
      "the target of {{owner}} has no 'value' and {{units}} has none under 'perUnit'; add `value: 100` for every unit, or each unit's own value under 'perUnit'",
    targetNoValueUnits_other:
      "the target of {{owner}} has no 'value' and {{units}} have none under 'perUnit'; add `value: 100` for every unit, or each unit's own value under 'perUnit'",
    andMore: '{{list}} and {{more}} more',
    duplicateAgencyId: "duplicate agency id '{{id}}' (the first is on line {{line}}); give each agency its own id",
    duplicateTaskId: "duplicate task id '{{id}}' (the first is on line {{line}}); give each task its own id",
    unknownTaskSuggestion: "{{owner}} depends on '{{id}}', which is not a task of this plan; did you mean '{{suggestion}}'?",
    unknownTask: "{{owner}} depends on '{{id}}', which is not a task of this plan; use the id of a task listed under 'tasks'",
    reminderAtDeadline:
      "reminder {{number}} of {{owner}} is '{{value}}', which is the deadline itself; reminders come before it (the ladder's first level handles the deadline), so remove it or write e.g. \"1 working day\"",
    reminderOrder:
      'reminder {{number}} of {{owner}} (\'{{value}}\' before the deadline) does not come after reminder {{previousNumber}} (\'{{previous}}\'); list reminders from the earliest to the latest, e.g. ["3 working days", "1 working day"]',
    ladderOrder:
      "ladder level {{number}} of {{owner}} comes '{{value}}' after the deadline, not later than level {{previousNumber}} ('{{previous}}'); each level's 'after' must be longer than the one before",
    unknownRoleSuggestion: "ladder level {{number}} of {{owner}} goes to role '{{role}}', which is not under 'roles'; did you mean '{{suggestion}}'?",
    unknownRole:
      "ladder level {{number}} of {{owner}} goes to role '{{role}}', which is not under 'roles'; use one of {{roles}} or add it under 'roles'",
    calendarBroken: "calendar '{{name}}' cannot be used until its file is fixed: {{reason}}",
    unknownCalendarSuggestion: "calendar '{{name}}' does not exist in calendars/; did you mean '{{suggestion}}'?",
    unknownCalendarList: "calendar '{{name}}' does not exist in calendars/; write one of {{names}}",
    unknownCalendarNone: "calendar '{{name}}' does not exist in calendars/; add calendars/<name>.yaml",
    badTimezone: "timezone '{{timezone}}' is not an IANA timezone name; write Asia/Ho_Chi_Minh (Vietnam) or leave the key out",
    calendarYearUnannounced:
      "{{what}} falls in {{year}}, for which calendar '{{calendar}}' has not recorded the announcement of {{year}} (it records {{years}}); the law's holidays count, but Tết and the day next to 2/9 are defaults and no swapped day is known, so add {{year}} to calendars/{{calendar}}.yaml once its holidays are announced",
    calendarYearNoData:
      "{{what}} falls in {{year}}, for which calendar '{{calendar}}' has no holiday data (it covers {{years}}); working days in {{year}} will skip weekends only, so add {{year}} to calendars/{{calendar}}.yaml once its holidays are announced",
    deadlineOf: 'the deadline of {{owner}}',
    deadlineOfDate: 'the deadline of {{owner}} ({{date}})',
    recurrenceOf: 'the recurrence of {{owner}}',
    timetableEscalation: 'escalation level {{level}} of {{owner}} ({{when}})',
    timetableReminder: 'a reminder of {{owner}} ({{when}})',
    timetableDeadline: 'the deadline of {{owner}} ({{when}})',
    deadlineAndRecurrence: "{{owner}} has both 'deadline' and 'recurrence'; a recurring task gets a deadline per occurrence, so remove one of them",
    noDeadline:
      "{{owner}} has no 'deadline'; add `deadline: 2022-12-25`, `deadline: { within: \"10 working days\", after: issue }`, `deadline: none` for ongoing work (thường xuyên), or a 'recurrence'",
    deadlineBeforeIssue:
      "the deadline of {{owner}} ({{date}}) is before the plan's issue date ({{issuedOn}}); a task cannot be due before it is assigned, so check the year and the month",
    unknownAnchorSuggestion:
      "the deadline of {{owner}} counts from '{{anchor}}', which is neither 'issue', 'applied' nor a task of this plan; did you mean '{{suggestion}}'?",
    unknownAnchor:
      "the deadline of {{owner}} counts from '{{anchor}}', which is neither 'issue', 'applied' nor a task of this plan; write 'issue' or the id of a task",
    weekdayNotWeekly: "'weekday' only applies to weekly recurrences, but {{owner}} recurs every {{every}}; use 'day' (day of the month) instead",
    dayWeekly:
      "'day' (day of the month) only applies to monthly and quarterly recurrences, but {{owner}} recurs every week; use 'weekday' (1 = Monday … 7 = Sunday) instead",
    recurrenceEndsBeforeStart:
      "the recurrence of {{owner}} ends (until {{until}}) before it starts (from {{from}}); 'until' must be on or after 'from'",
    cycleSelf:
      "dependency cycle (vòng phụ thuộc): {{cycle}}; task '{{id}}' cannot wait for itself, so count its deadline from 'issue' or from another task",
    cycle:
      'dependency cycle (vòng phụ thuộc): {{cycle}}; none of these tasks could ever start, so remove one of these dependencies (dependsOn or deadline.after)',
    cycleMore: '… ({{more}} more)',
  },
  bounds: {
    notUtf8: 'the file is not valid UTF-8 text; save it as UTF-8 (the encoding every editor offers) and check the letters of this line',
    tooLarge:
      'the plan file is {{size}} MB, more than the {{limit}} MB a plan may be; split it into several plan files (for example one per district)',
    tooDeep: "this line is indented {{indent}} spaces, deeper than the {{limit}} a plan may use; a plan's lists and fields nest only a few levels",
    aliases:
      'YAML aliases (*name) here expand to more than {{limit}} values; a plan never needs this many, so write the values out or use fewer aliases',
    tooManyTasks:
      'the plan lists {{listed}} tasks, more than the {{limit}} one plan may hold; split it into several plan files (for example one per district)',
    tooManyAgencies:
      'the plan lists {{listed}} agencies, more than the {{limit}} one plan may hold; split it into several plan files (for example one per district)',
    nul: 'a NUL character ({{hex}})',
    escape: 'an escape character ({{hex}}, as in terminal colour codes)',
    control: 'the control character {{hex}}',
    surrogate: 'an unpaired surrogate (broken Unicode escape)',
    controlCharacter: 'this text contains {{what}}, which cannot be stored or shown; delete it (only tabs and line breaks are allowed)',
    unsupportedYear: "'{{value}}' is in the year {{year}}; kehoach handles dates from {{min}} to {{max}}, so check the year",
    tooManyOccurrences:
      "task '{{id}}' recurs about {{occurrences}} times, more than the {{limit}} one recurring task may; shorten from/until or report less often",
    tooManyWorkflows:
      "the plan compiles to about {{total}} task workflows (one per task, unit and occurrence), more than the {{limit}} one plan may hold; task '{{id}}' alone makes {{largest}}: shorten its recurrence, give it fewer units, or split the plan into several files",
  },
  file: {
    unreadable: 'cannot read the plan: {{reason}}; check the path',
    notFound: 'the file does not exist',
    noPermission: 'permission to read it is missing',
    isDirectory: 'it is a folder, not a file',
    schemaCommentMissing: 'the file does not start with the editor schema comment; make this the first line: {{comment}}',
    schemaCommentWrongPath: "the editor schema comment points at '{{written}}', which does not exist from this file's folder; write: {{comment}}",
  },
};
