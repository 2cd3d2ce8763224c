/**
 * Regenerates test/fixtures/histories/task-*.json: runs the main task-workflow scenarios on the
 * time-skipping test server and saves each workflow's event history. test/workflows/replay.test.ts
 * replays them against the current workflow code, so a change that breaks determinism fails CI.
 *
 * Run after an intended, versioned change to the workflow (never to paper over a replay failure):
 *   npx tsx scripts/record-histories.ts
 * or, for scenarios added since, `KEHOACH_RECORD_ONLY=<name>,<name> npx tsx scripts/record-histories.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';
import { Worker } from '@temporalio/worker';
import { endOfLocalDay } from '../src/plan/calendar';
import type { TaskSpec } from '../src/plan/model';
import { taskWorkflowId } from '../src/workflows/ids';
import {
  amend,
  cancelTask,
  complete,
  confirm,
  decideExtension,
  pause,
  release,
  reportProgress,
  requestExtension,
  resume,
  returnTask,
  taskWorkflowInput,
} from '../src/workflows/messages';
import type { taskWorkflow } from '../src/workflows/task';
import { actors, makeSpec, RecordingActivities, startTimeSkipping, TZ } from '../test/helpers/temporal';
import { bundleWorkflows } from '../src/temporal/worker';

const DAY = 86_400_000;

// The SDK's historyToJSON trips over the two protobufjs copies npm installs (see
// test/helpers/histories.ts); the writer is taken from the copy that owns the message types.
const protoPackageDir = path.dirname(require.resolve('@temporalio/proto/package.json'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const protojson = require(require.resolve('protobufjs/ext/protojson', { paths: [protoPackageDir] })) as {
  toJson(type: unknown, message: unknown): unknown;
};
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): { fromObject(value: unknown): unknown } }).lookupType(
  'temporal.api.history.v1.History',
);
const historyToJson = (history: unknown): string => JSON.stringify(protojson.toJson(historyType, historyType.fromObject(history)), null, 2);
const outDir = path.resolve(__dirname, '..', 'test', 'fixtures', 'histories');
const taskQueue = 'record-histories';

async function main(): Promise<void> {
  const bundle = await bundleWorkflows();
  const env = await startTimeSkipping();
  const recorder = new RecordingActivities();
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: recorder.activities });
  const planId = 'kh-replay';
  const deadlineInDays = async (days: number) =>
    endOfLocalDay(new Date((await env.currentTimeMs()) + days * DAY).toLocaleDateString('en-CA', { timeZone: TZ }), TZ);
  const start = (spec: TaskSpec) =>
    env.client.workflow.start<typeof taskWorkflow>('taskWorkflow', {
      taskQueue,
      workflowId: taskWorkflowId(spec),
      args: [taskWorkflowInput(spec, 1)],
    });
  // As a reconciliation page starts a task whose first record it wrote (generation 3).
  const startRecorded = async (spec: TaskSpec) =>
    env.client.workflow.start<typeof taskWorkflow>('taskWorkflow', {
      taskQueue,
      workflowId: taskWorkflowId(spec),
      args: [taskWorkflowInput(spec, 1, { recordedAt: new Date(await env.currentTimeMs()).toISOString() })],
    });
  // Each unit's staff reports its copy done, unit A's first.
  const completeMembers = async (members: WorkflowHandle<typeof taskWorkflow>[]) => {
    for (const [index, member] of members.entries()) {
      await member.executeUpdate(complete, {
        args: [{ actor: { id: `staff-${index}`, agency: index === 0 ? 'ubnd-a' : 'ubnd-b', role: 'staff' } }],
      });
    }
  };
  const scenarios: Record<string, () => Promise<WorkflowHandle<typeof taskWorkflow>>> = {
    'recorded-first': async () => {
      const handle = await startRecorded(makeSpec({ planId, taskId: 'recorded-first', deadline: { kind: 'instant', at: await deadlineInDays(10) } }));
      await env.sleep('12 days');
      await handle.executeUpdate(complete, { args: [{ actor: actors.leadStaff }] });
      return handle;
    },
    'recorded-first-rollup': async () => {
      const deadline = { kind: 'instant' as const, at: await deadlineInDays(10) };
      const handle = await startRecorded(
        makeSpec({ planId, taskId: 'recorded-units', members: [{ unitId: 'ubnd-a' }, { unitId: 'ubnd-b' }], deadline }),
      );
      const members = await Promise.all(
        ['ubnd-a', 'ubnd-b'].map((unitId) => startRecorded(makeSpec({ planId, taskId: 'recorded-units', unitId, lead: unitId, deadline }))),
      );
      await env.sleep('2 days');
      await completeMembers(members);
      await env.sleep('1 day');
      return handle;
    },
    // A task removed from its plan and added back: the new run continues the earlier run's seq.
    readded: async () => {
      const spec = makeSpec({ planId, taskId: 'readded', deadline: { kind: 'instant', at: await deadlineInDays(10) } });
      const handle = await env.client.workflow.start<typeof taskWorkflow>('taskWorkflow', {
        taskQueue,
        workflowId: taskWorkflowId(spec),
        args: [taskWorkflowInput(spec, 3, { seqAfter: 2 })],
      });
      await env.sleep('12 days');
      await handle.executeUpdate(complete, { args: [{ actor: actors.leadStaff }] });
      return handle;
    },
    'whole-life-late': async () => {
      const handle = await start(makeSpec({ planId, taskId: 'whole-life', deadline: { kind: 'instant', at: await deadlineInDays(10) } }));
      await env.sleep('30 days');
      await handle.executeUpdate(reportProgress, { args: [{ actor: actors.leadStaff, value: 90 }] });
      await handle.executeUpdate(complete, { args: [{ actor: actors.leadStaff }] });
      return handle;
    },
    'confirmation-return': async () => {
      const handle = await start(
        makeSpec({ planId, taskId: 'confirmation', confirmation: true, deadline: { kind: 'instant', at: await deadlineInDays(10) } }),
      );
      await env.sleep('2 days');
      await handle.executeUpdate(complete, { args: [{ actor: actors.leadStaff }] });
      await handle.executeUpdate(returnTask, { args: [{ actor: actors.leader, reason: 'Thiếu số liệu' }] });
      await env.sleep('1 day');
      await handle.executeUpdate(complete, { args: [{ actor: actors.leadStaff }] });
      await handle.executeUpdate(confirm, { args: [{ actor: actors.leader }] });
      return handle;
    },
    'pause-resume': async () => {
      const handle = await start(makeSpec({ planId, taskId: 'pause', deadline: { kind: 'instant', at: await deadlineInDays(10) } }));
      await env.sleep('1 day');
      await handle.executeUpdate(pause, { args: [{ actor: actors.leader, reason: 'Chờ kinh phí' }] });
      await env.sleep('20 days');
      await handle.executeUpdate(resume, { args: [{ actor: actors.leader }] });
      await env.sleep('25 days');
      return handle;
    },
    'extension-approved': async () => {
      const deadlineAt = await deadlineInDays(3);
      const handle = await start(makeSpec({ planId, taskId: 'extension', deadline: { kind: 'instant', at: deadlineAt } }));
      await env.sleep('5 days');
      const newDeadline = new Date(Date.parse(deadlineAt) + 14 * DAY).toLocaleDateString('en-CA', { timeZone: TZ });
      const view = await handle.executeUpdate(requestExtension, { args: [{ actor: actors.leadStaff, newDeadline, reason: 'Chờ dữ liệu' }] });
      await handle.executeUpdate(decideExtension, { args: [{ actor: actors.leader, extensionId: view.extensionRequests[0]!.id, approve: true }] });
      await env.sleep('20 days');
      return handle;
    },
    'catch-up-late-start': async () => {
      const past = endOfLocalDay(new Date((await env.currentTimeMs()) - 8 * DAY).toLocaleDateString('en-CA', { timeZone: TZ }), TZ);
      const handle = await start(makeSpec({ planId, taskId: 'catch-up', deadline: { kind: 'instant', at: past } }));
      await env.sleep('10 days');
      return handle;
    },
    'dependency-release': async () => {
      const spec = makeSpec({
        planId,
        taskId: 'dependent',
        dependsOn: ['prerequisite'],
        deadline: { kind: 'after_task', taskId: 'prerequisite', within: { amount: 5, unit: 'working_day' } },
      });
      const handle = await start(spec);
      await env.sleep('3 days');
      await handle.signal(release, { taskId: 'prerequisite', doneAt: new Date(await env.currentTimeMs()).toISOString() });
      await env.sleep('15 days');
      return handle;
    },
    'rollup-release': async () => {
      const deadline = { kind: 'instant' as const, at: await deadlineInDays(10) };
      const whole = makeSpec({
        planId,
        taskId: 'units',
        members: [{ unitId: 'ubnd-a' }, { unitId: 'ubnd-b' }],
        dependants: ['after-units'],
        deadline,
      });
      const handle = await start(whole);
      const members = await Promise.all(
        ['ubnd-a', 'ubnd-b'].map((unitId) => start(makeSpec({ planId, taskId: 'units', unitId, lead: unitId, deadline }))),
      );
      await start(
        makeSpec({
          planId,
          taskId: 'after-units',
          dependsOn: ['units'],
          deadline: { kind: 'after_task', taskId: 'units', within: { amount: 5, unit: 'working_day' } },
        }),
      );
      await env.sleep('2 days');
      await completeMembers(members);
      await env.sleep('1 day');
      return handle;
    },
    'amend-cancel': async () => {
      const spec = makeSpec({ planId, taskId: 'amended', deadline: { kind: 'instant', at: await deadlineInDays(4) } });
      const handle = await start(spec);
      await env.sleep('1 day');
      await handle.executeUpdate(amend, { args: [{ actor: actors.system, spec, planVersion: 2 }] });
      const moved = makeSpec({ ...spec, deadline: { kind: 'instant', at: await deadlineInDays(12) } });
      await handle.executeUpdate(amend, { args: [{ actor: actors.system, spec: moved, planVersion: 2 }] });
      await env.sleep('15 days');
      await handle.executeUpdate(cancelTask, { args: [{ actor: actors.system, planVersion: 3 }] });
      await handle.result();
      return handle;
    },
  };

  mkdirSync(outDir, { recursive: true });
  try {
    await worker.runUntil(async () => {
      // KEHOACH_RECORD_ONLY=a,b records only those scenarios (a new one), leaving the others' files as they are.
      const only = process.env.KEHOACH_RECORD_ONLY?.split(',');
      for (const [name, scenario] of Object.entries(scenarios)) {
        if (only && !only.includes(name)) continue;
        const handle = await scenario();
        // Let the last activity land so the history ends on a quiet workflow.
        await new Promise((resolve) => setTimeout(resolve, 500));
        const history = await handle.fetchHistory();
        writeFileSync(path.join(outDir, `task-${name}.json`), historyToJson(history) + '\n');
        process.stdout.write(`recorded ${name}: ${history.events?.length ?? 0} events\n`);
      }
    });
  } finally {
    await env.teardown();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
