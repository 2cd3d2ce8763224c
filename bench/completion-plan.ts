/**
 * The plan the completion benchmarks complete tasks of (plain tasks, no units, no prerequisites, a
 * deadline years away, spread over a few departments), and one completion as the API's POST
 * …/complete route performs it (`performTaskWrite`: read the task's lead and support, check the caller, send the
 * `complete` Update, answer from the projected row), by staff of the task's lead agency.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { RouteDeps } from '../src/api/app';
import type { Principal } from '../src/api/plugins/auth';
import { performTaskWrite } from '../src/api/task-service';
import { tasks } from '../src/db/schema';
import { type BenchStack, untilTaskRows } from './harness';

const AGENCIES = 8;

export const taskIdOf = (task: number) => `t${String(task).padStart(4, '0')}`;

export function completionPlanYaml(planId: string, taskCount: number): string {
  const lines = [
    `id: ${planId}`,
    'code: "1/KH-BENCH"',
    'title: Kế hoạch đo thời gian báo cáo hoàn thành',
    'issuer: UBND tỉnh',
    'issuedOn: 2026-01-05',
    'timezone: Asia/Ho_Chi_Minh',
    'calendar: vn',
    'agencies:',
    '  - { id: ubnd-tinh, name: UBND tỉnh, kind: provincial_committee }',
    '  - { id: cong-an-tinh, name: Công an tỉnh, kind: police, parent: ubnd-tinh }',
    ...Array.from({ length: AGENCIES }, (_, a) => `  - { id: so-${a + 1}, name: Sở số ${a + 1}, kind: department, parent: ubnd-tinh }`),
    'roles:',
    '  standing_office: { agency: cong-an-tinh }',
    '  chair: { agency: ubnd-tinh }',
    'tasks:',
  ];
  for (let task = 1; task <= taskCount; task++) {
    lines.push(
      `  - id: ${taskIdOf(task)}`,
      `    title: Nhiệm vụ số ${task}`,
      `    lead: so-${(task % AGENCIES) + 1}`,
      '    deadline: 2030-12-31',
      '    output: Báo cáo kết quả',
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Waits until `total` tasks of the plan have their open row: a completion reads its task's row
 * first, and a row can follow the apply's answer by a moment.
 */
export async function untilTasksProjected(stack: Pick<BenchStack, 'database'>, planId: string, total: number): Promise<void> {
  await untilTaskRows(stack, and(eq(tasks.planId, planId), isNull(tasks.completedAt)), total, { pollMs: 200, what: `open task rows of ${planId}` });
}

/** Completes task number `task` of the plan as its lead agency's staff; fails unless it is done or awaits confirmation. */
export async function completeTask(stack: Pick<BenchStack, 'database' | 'temporal'>, planId: string, task: number): Promise<void> {
  const deps: Omit<RouteDeps, 'readCache'> = {
    db: stack.database,
    temporal: { client: stack.temporal.client, connection: stack.temporal.connection },
    config: { bodyLimit: 1_048_576, updateTimeoutMs: 60_000 },
  };
  const agency = `so-${(task % AGENCIES) + 1}`;
  // Staff of the task's lead agency, as the API would see the bearer of their token.
  const staff: Principal = { tokenId: `bench-${agency}`, name: `Cán bộ ${agency}`, agency, role: 'staff' };
  const taskId = taskIdOf(task);
  const out = await performTaskWrite(
    deps,
    staff,
    'complete',
    { planId, taskId },
    { evidence: `Văn bản số ${task}/BC` },
    { requestId: `bench-complete-${task}` },
  );
  if (out.progress !== 'awaiting_confirmation' && out.progress !== 'done') throw new Error(`${taskId} answered ${out.progress}`);
}
