/**
 * Hostile plan files, generated (the large ones would be megabytes on disk): each is something an
 * attacker or an unlucky author could send, and each must be refused (or, for the long valid
 * chain, accepted) in bounded time and memory, with a positioned diagnostic.
 */

const HEADER = `id: hostile
code: 01/KH-HOSTILE
title: Kế hoạch thử
issuer: UBND tỉnh
issuedOn: 2025-01-06
calendar: vn
roles:
  standing_office: { agency: ubnd-tinh }
  chair: { agency: ubnd-tinh }
`;

function agencies(count: number): string {
  const lines = ['agencies:', '  - { id: ubnd-tinh, name: UBND tỉnh, kind: provincial_committee }'];
  for (let i = 0; i < count; i++) lines.push(`  - { id: xa-${i}, name: UBND xã ${i}, kind: commune_committee, parent: ubnd-tinh }`);
  return `${lines.join('\n')}\n`;
}

function task(id: string, extra = ''): string {
  return `  - id: ${id}\n    title: Nhiệm vụ ${id}\n    lead: ubnd-tinh\n    deadline: { within: 10 days, after: issue }\n    output: Báo cáo\n${extra}`;
}

export interface HostileCase {
  name: string;
  text: string | Buffer;
  /** true: a valid plan that must be accepted (the long chain); false: refused. */
  valid: boolean;
  /** A diagnostic code that must be among the errors (when refused). */
  code?: string;
}

/**
 * A valid plan with `n` tasks, each waiting for the next one in the file: a depth-first walk from
 * the first task goes `n` deep.
 */
export function chainPlan(n: number): string {
  const tasks = ['tasks:\n'];
  for (let i = 0; i < n - 1; i++)
    tasks.push(
      `  - id: t${i}\n    title: Nhiệm vụ ${i}\n    lead: ubnd-tinh\n    dependsOn: [t${i + 1}]\n    deadline: { within: 1 days, after: t${i + 1} }\n    output: Báo cáo\n`,
    );
  tasks.push(task(`t${n - 1}`));
  return HEADER + agencies(0) + tasks.join('');
}

export function hostileCases(): HostileCase[] {
  const cases: HostileCase[] = [];

  // Billion laughs: nine levels of ten aliases each.
  const bomb = ['id: hostile', 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i <= 9; i++) bomb.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
  bomb.push('title: *a9');
  cases.push({ name: 'billion-laughs alias bomb', text: `${bomb.join('\n')}\n`, valid: false, code: 'yaml-aliases' });

  cases.push({ name: 'deep nesting', text: `${HEADER}description: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, valid: false });
  cases.push({
    name: 'deep block nesting',
    text: `${HEADER}${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} x\n`,
    valid: false,
    code: 'too-deep',
  });

  cases.push({ name: 'huge file (9 MB comment)', text: `${HEADER}# ${'x'.repeat(9_000_000)}\n`, valid: false, code: 'too-large' });

  cases.push({
    name: 'non-UTF-8 bytes',
    text: Buffer.concat([Buffer.from(HEADER.replace('Kế hoạch thử', 'K')), Buffer.from([0xff, 0xfe, 0x0a])]),
    valid: false,
    code: 'encoding',
  });

  cases.push({
    name: 'NUL byte in a title',
    text: HEADER.replace('Kế hoạch thử', 'Kế hoạch\u0000thử') + agencies(0) + `tasks:\n${task('t1')}`,
    valid: false,
    code: 'control-character',
  });
  cases.push({
    name: 'escaped NUL in an output',
    text: HEADER + agencies(0) + `tasks:\n${task('t1').replace('output: Báo cáo', 'output: "Báo\\0cáo"')}`,
    valid: false,
    code: 'control-character',
  });
  cases.push({
    name: 'ANSI escape in a title',
    text: HEADER.replace('Kế hoạch thử', '"\\e[31mđỏ\\e[0m"') + agencies(0) + `tasks:\n${task('t1')}`,
    valid: false,
    code: 'control-character',
  });

  cases.push({
    name: '10,000 tasks',
    text:
      HEADER +
      agencies(0) +
      `tasks:\n${Array.from({ length: 10_000 }, (_, i) => `  - { id: t${i}, title: T${i}, lead: ubnd-tinh, deadline: 2025-12-31, output: B }\n`).join('')}`,
    valid: false,
    code: 'too-many-tasks',
  });

  cases.push({ name: 'chain of 5,000 dependent tasks', text: chainPlan(5000), valid: true });

  const cycle = chainPlan(3000).replace(
    '  - id: t2999\n    title: Nhiệm vụ t2999\n    lead: ubnd-tinh\n',
    '  - id: t2999\n    title: Nhiệm vụ t2999\n    lead: ubnd-tinh\n    dependsOn: [t0]\n',
  );
  cases.push({ name: 'cycle through 3,000 tasks', text: cycle, valid: false, code: 'dependency-cycle' });

  cases.push({
    name: 'recurrence × units bomb (700 units, weekly for 10 years)',
    text:
      HEADER +
      agencies(700) +
      `tasks:\n  - id: bao-cao\n    title: Báo cáo tuần\n    lead: ubnd-tinh\n    units: { kind: commune_committee }\n    recurrence: { every: week, from: 2025-01-06, until: 2034-12-31 }\n    output: Báo cáo\n`,
    valid: false,
    code: 'too-many-task-workflows',
  });

  const typos = Array.from(
    { length: 2000 },
    (_, i) => `  - { id: t${i}, title: T, lead: ${'q'.repeat(60)}${i}, deadline: 2025-12-31, output: B }\n`,
  ).join('');
  cases.push({
    name: '"did you mean" bomb: 2,000 long unknown references × 1,900 agencies',
    text: HEADER + agencies(1900) + `tasks:\n${typos}`,
    valid: false,
    code: 'unknown-reference',
  });

  cases.push({
    name: 'year 0050',
    text: HEADER.replace('2025-01-06', '0050-01-06') + agencies(0) + `tasks:\n${task('t1')}`,
    valid: false,
    code: 'unsupported-year',
  });
  cases.push({
    name: 'year 9999 deadline',
    text: HEADER + agencies(0) + `tasks:\n  - { id: t1, title: T, lead: ubnd-tinh, deadline: 9999-12-31, output: B }\n`,
    valid: false,
    code: 'unsupported-year',
  });
  cases.push({
    name: 'weekly recurrence 1900–2200',
    text:
      HEADER +
      agencies(0) +
      `tasks:\n  - id: t1\n    title: T\n    lead: ubnd-tinh\n    recurrence: { every: week, from: 1900-01-01, until: 2200-12-31 }\n    output: B\n`,
    valid: false,
    code: 'too-many-occurrences',
  });
  return cases;
}
