/**
 * The task workflow on a real Temporal dev server: Updates and their typed rejections, update-ID
 * idempotency, search attributes queried with the real `temporal` CLI, and a worker killed with
 * SIGKILL while an escalation level is due.
 */
import t, { type Test } from 'tap';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, Runtime, NativeConnection, Worker } from '@temporalio/worker';
import type { TaskChange, TaskStateView } from '../../src/domain';
import { resolveTemporalCli } from '../../src/temporal/binaries';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { taskWorkflowId } from '../../src/workflows/ids';
import { amend, complete, confirm, getState, taskWorkflowInput } from '../../src/workflows/messages';
import type { taskWorkflow } from '../../src/workflows/task';
import type { TaskSpec } from '../../src/plan/model';
import { freePort } from '../helpers/ports';
import { actors, makeSpec, RecordingActivities, rejection, secondsPolicy } from '../helpers/temporal';
import { eventually, freshPlanId } from '../helpers/wait';
import { bundleWorkflows } from '../../src/temporal/worker';

const taskQueue = 'task-dev-server-test';
let server: DevServer;
let client: Client;
let bundleFile: string;
let bundleCode: string;
const workDir = mkdtempSync(path.join(tmpdir(), 'kehoach-task-'));
const recorder = new RecordingActivities();

// Tasks started alone warn that they have no plan workflow to tell; keep the test output readable.
Runtime.install({ logger: new DefaultLogger('ERROR') });

t.before(async () => {
  const bundle = await bundleWorkflows();
  bundleCode = bundle.code;
  bundleFile = path.join(workDir, 'workflows.js');
  writeFileSync(bundleFile, bundle.code);
  server = await startDevServer({ port: await freePort() });
  const connection = await Connection.connect({ address: server.address });
  client = new Client({ connection, namespace: server.namespace });
  const native = await NativeConnection.connect({ address: server.address });
  const worker = await Worker.create({ connection: native, taskQueue, workflowBundle: { code: bundleCode }, activities: recorder.activities });
  const running = worker.run();
  t.teardown(async () => {
    worker.shutdown();
    await running;
    await native.close();
    await connection.close();
    await server.stop();
    rmSync(workDir, { recursive: true, force: true });
  });
});

async function start(spec: TaskSpec, queue = taskQueue) {
  return client.workflow.start<typeof taskWorkflow>('taskWorkflow', {
    taskQueue: queue,
    workflowId: taskWorkflowId(spec),
    args: [taskWorkflowInput(spec, 1)],
  });
}

const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

t.test('complete through a real Update: typed rejections and a repeated update ID', async (t) => {
  const spec = makeSpec({ planId: freshPlanId(), taskId: 't01', dependsOn: ['t00'], deadline: { kind: 'instant', at: inSeconds(3600) } });
  const handle = await start(spec);

  const waiting = await rejection(handle.executeUpdate(complete, { args: [{ actor: actors.leadStaff }] }));
  t.equal(waiting.type, 'InvalidState', 'a task still waiting for its prerequisite cannot be completed');
  t.match(waiting.message, /t00/);

  await handle.signal('release', { taskId: 't00', doneAt: new Date().toISOString() });
  await eventually(async () => (await handle.query(getState)).progress === 'in_progress');

  const forbidden = await rejection(handle.executeUpdate(complete, { args: [{ actor: actors.otherStaff }] }));
  t.equal(forbidden.type, 'Forbidden', 'an actor from another agency is refused');
  t.equal(forbidden.nonRetryable, true);

  const first = await handle.executeUpdate(complete, { args: [{ actor: actors.leadStaff, note: 'Xong' }], updateId: 'req-complete-1' });
  t.equal(first.progress, 'done');
  const repeated = await handle.executeUpdate(complete, { args: [{ actor: actors.leadStaff, note: 'Xong' }], updateId: 'req-complete-1' });
  t.same(repeated, first, 'the same update ID returns the first result');
  const completedEvents = recorder.events(handle.workflowId).filter((event) => event.type === 'completed');
  t.equal(completedEvents.length, 1, 'one completion recorded');

  const again = await rejection(handle.executeUpdate(complete, { args: [{ actor: actors.leadStaff }], updateId: 'req-complete-2' }));
  t.equal(again.type, 'InvalidState', 'a new request to complete a done task is a clear rejection');
  t.match(again.message, /đã được báo cáo hoàn thành ngày \d{2}\/\d{2}\/\d{4}/);
});

t.test('a completion reported on time and awaiting confirmation never turns overdue, in the state or the search attributes', async (t) => {
  const spec = makeSpec({
    planId: freshPlanId('await'),
    taskId: 't01',
    confirmation: true,
    deadline: { kind: 'instant', at: inSeconds(3) },
    escalation: secondsPolicy(),
  });
  const handle = await start(spec);
  const reported = await handle.executeUpdate(complete, { args: [{ actor: actors.leadStaff }] });
  t.equal(reported.progress, 'awaiting_confirmation');
  await new Promise((resolve) =>
    setTimeout(resolve, Math.max(0, Date.parse(spec.deadline.kind === 'instant' ? spec.deadline.at : '') - Date.now()) + 2000),
  );
  const state = await handle.query(getState);
  t.equal(state.category, 'open_on_time', 'still open and on time after the deadline passed');
  t.equal(state.deadlineState, 'on_track');
  t.equal(state.facts.completedAt, reported.completedAt, 'the reported completion is a fact the read model judges by');
  const listed = await eventually(
    () => {
      const ids = listWorkflows(`WorkflowId='${handle.workflowId}' AND KehoachCategory='open_on_time' AND KehoachProgress='awaiting_confirmation'`);
      return ids.length === 1 && ids;
    },
    20_000,
    'the awaiting task in visibility',
  );
  t.same(listed, [handle.workflowId]);
  t.same(listWorkflows(`WorkflowId='${handle.workflowId}' AND KehoachCategory='open_overdue'`), [], 'never listed overdue');
  t.notOk(
    recorder.events(handle.workflowId).some((event) => event.type === 'overdue' || event.type === 'escalation'),
    'no overdue event, no escalation',
  );
  await handle.terminate('test finished');
});

t.test('an admin back-dates a confirmation: a task reported on time in 2022 and confirmed later is done on time', async (t) => {
  const spec = makeSpec({
    planId: freshPlanId('backdate'),
    taskId: 't01',
    confirmation: true,
    issuedOn: '2022-11-07',
    deadline: { kind: 'instant', at: '2022-12-31T17:00:00.000Z' },
  });
  const handle = await start(spec);
  await handle.executeUpdate(complete, { args: [{ actor: actors.admin, completedAt: '2022-12-20T10:00:00+07:00' }] });
  const early = await rejection(handle.executeUpdate(confirm, { args: [{ actor: actors.admin, confirmedAt: '2022-12-19T10:00:00+07:00' }] }));
  t.equal(early.type, 'InvalidInput', 'not before the completion');
  t.match(early.message, /trước thời điểm báo cáo hoàn thành \(20\/12\/2022\)/);
  const future = await rejection(handle.executeUpdate(confirm, { args: [{ actor: actors.admin, confirmedAt: inSeconds(86_400) }] }));
  t.equal(future.type, 'InvalidInput', 'not in the future');
  const byLeader = await rejection(handle.executeUpdate(confirm, { args: [{ actor: actors.leader, confirmedAt: '2023-01-10T10:00:00+07:00' }] }));
  t.equal(byLeader.type, 'Forbidden', 'only an admin records history');
  const confirmed = await handle.executeUpdate(confirm, { args: [{ actor: actors.admin, confirmedAt: '2023-01-10T10:00:00+07:00' }] });
  t.equal(confirmed.progress, 'done');
  t.equal(confirmed.confirmedAt, '2023-01-10T03:00:00.000Z');
  t.equal(confirmed.category, 'done_on_time');
  await eventually(() => recorder.events(handle.workflowId).some((event) => event.type === 'confirmed'), 10_000, 'the confirmed event');
  const events = recorder.events(handle.workflowId);
  t.equal(events.find((event) => event.type === 'completed')?.at, '2022-12-20T03:00:00.000Z', 'the completion is placed when it happened');
  t.equal(events.find((event) => event.type === 'confirmed')?.at, '2023-01-10T03:00:00.000Z', 'so is the confirmation');
  await handle.terminate('test finished');
});

t.test('a completion dated before the plan was issued is refused with a clear message', async (t) => {
  const spec = makeSpec({
    planId: freshPlanId('issued'),
    taskId: 't01',
    issuedOn: '2022-11-07',
    deadline: { kind: 'instant', at: '2022-12-31T17:00:00.000Z' },
  });
  const handle = await start(spec);
  const refused = await rejection(handle.executeUpdate(complete, { args: [{ actor: actors.admin, completedAt: '2022-11-06T10:00:00+07:00' }] }));
  t.equal(refused.type, 'InvalidInput');
  t.equal(refused.message, 'Ngày hoàn thành 06/11/2022 trước ngày ban hành kế hoạch (07/11/2022); hãy kiểm tra lại completedAt.');
  t.equal((await handle.query(getState)).progress, 'in_progress', 'nothing recorded');
  await handle.terminate('test finished');
});

t.test("a later amendment does not move a done task's deadline: its verdict stays", async (t) => {
  const deadlineAt = inSeconds(3600);
  const spec = makeSpec({ planId: freshPlanId('amend-done'), taskId: 't01', deadline: { kind: 'instant', at: deadlineAt } });
  const handle = await start(spec);
  const done = await handle.executeUpdate(complete, { args: [{ actor: actors.leadStaff }] });
  t.equal(done.category, 'done_on_time');
  const earlier = makeSpec({ ...spec, deadline: { kind: 'instant', at: new Date(Date.now() - 86_400_000).toISOString() } });
  const amended = await handle.executeUpdate(amend, { args: [{ actor: actors.system, spec: earlier, planVersion: 2 }] });
  t.equal(amended.deadlineAt, deadlineAt, 'the deadline it was judged against');
  t.equal(amended.deadlineVersion, done.deadlineVersion);
  t.equal(amended.category, 'done_on_time');
  t.equal(amended.facts.deadlineAt, deadlineAt);
  await handle.terminate('test finished');
});

interface ListedWorkflow {
  execution?: { workflowId?: string };
  workflowId?: string;
}

function listWorkflows(query: string): string[] {
  const result = spawnSync(
    resolveTemporalCli(),
    ['workflow', 'list', '--query', query, '--address', server.address, '--namespace', server.namespace, '-o', 'json'],
    {
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) throw new Error(`temporal workflow list failed: ${result.stderr}`);
  const text = result.stdout.trim();
  if (!text) return [];
  const items: ListedWorkflow[] = text.startsWith('[') ? JSON.parse(text) : text.split('\n').map((line) => JSON.parse(line));
  return items.map((item) => item.execution?.workflowId ?? item.workflowId ?? '').sort();
}

t.test('the temporal CLI finds one agency’s overdue tasks by search attributes', async (t) => {
  const planId = freshPlanId('sa');
  const past = new Date(Date.now() - 3_600_000).toISOString();
  const future = inSeconds(7 * 86_400);
  const specs = [
    makeSpec({ planId, taskId: 'late-a', lead: 'so-y-te', deadline: { kind: 'instant', at: past }, escalation: secondsPolicy() }),
    makeSpec({ planId, taskId: 'late-b', lead: 'so-y-te', deadline: { kind: 'instant', at: past }, escalation: secondsPolicy() }),
    makeSpec({ planId, taskId: 'on-time', lead: 'so-y-te', deadline: { kind: 'instant', at: future }, escalation: secondsPolicy() }),
    makeSpec({ planId, taskId: 'late-other', lead: 'so-giao-duc', deadline: { kind: 'instant', at: past }, escalation: secondsPolicy() }),
  ];
  for (const spec of specs) await start(spec);
  const expected = [taskWorkflowId(specs[0]!), taskWorkflowId(specs[1]!)].sort();
  const query = `KehoachPlan='${planId}' AND KehoachLead='so-y-te' AND KehoachCategory='open_overdue'`;
  const found = await eventually(
    () => {
      const ids = listWorkflows(query);
      return ids.length === expected.length && ids;
    },
    20_000,
    'the overdue tasks in visibility',
  );
  t.same(found, expected, 'exactly the overdue tasks of that agency');
  const onTime = await eventually(
    () => {
      const ids = listWorkflows(`KehoachPlan='${planId}' AND KehoachCategory='open_on_time'`);
      return ids.length === 1 && ids;
    },
    20_000,
    'the on-time task in visibility',
  );
  t.same(onTime, [taskWorkflowId(specs[2]!)]);
  const allLate = [...expected, taskWorkflowId(specs[3]!)].sort();
  const escalated = await eventually(
    () => {
      const ids = listWorkflows(`KehoachPlan='${planId}' AND KehoachLevel >= 1`);
      return ids.length === allLate.length && ids;
    },
    20_000,
    'the escalated tasks in visibility',
  );
  t.same(escalated, allLate, 'the level is searchable too');
});

function startWorkerProcess(queue: string, recordsFile: string, dieAfterRecording?: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'helpers', 'worker-process.ts')], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: server.address,
      TASK_QUEUE: queue,
      WORKFLOW_BUNDLE: bundleFile,
      RECORDS_FILE: recordsFile,
      ...(dieAfterRecording ? { DIE_AFTER_RECORDING: dieAfterRecording } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
    if (process.env.KEHOACH_DEBUG) process.stderr.write(chunk);
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`the worker process exited (${code}) before it was ready: ${errors.slice(-2000)}`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/**
 * The records as the projection keeps them (src/activities/projection.ts). The task's changes by
 * workflow and seq: a record retried after its worker was killed (the activity ran, its completion
 * was lost) is kept once, and when the workflow task itself was lost, the decision taken again
 * (later, so with a later `updatedAt`) replaces the lost one. The notifications by their key,
 * never taken back: the lost attempt's may already have gone out.
 */
function readRecords(file: string): { changes: TaskChange[]; notified: string[] } {
  if (!existsSync(file)) return { changes: [], notified: [] };
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as TaskChange);
  const bySeq = new Map<string, TaskChange>();
  for (const change of lines) {
    const key = `${change.state.workflowId}:${change.state.seq}`;
    const kept = bySeq.get(key);
    if (!kept || Date.parse(change.state.updatedAt) > Date.parse(kept.state.updatedAt)) bySeq.set(key, change);
  }
  const notified = [...new Set(lines.flatMap((change) => change.notifications.map((note) => note.idempotencyKey)))];
  return { changes: [...bySeq.values()], notified };
}

/** A task due at `deadlineAt` with levels at the deadline, 6 s and 10 minutes after it. */
function killDrillSpec(planPrefix: string, deadlineAt: string): TaskSpec {
  return makeSpec({
    planId: freshPlanId(planPrefix),
    taskId: 't01',
    deadline: { kind: 'instant', at: deadlineAt },
    escalation: secondsPolicy([0, 6, 600]),
  });
}

/** The kept records whose notifications carry `key`. */
function deciding(changes: TaskChange[], key: string): TaskChange[] {
  return changes.filter((change) => change.notifications.some((note) => note.idempotencyKey === key));
}

/** Every seq kept once and in order, and the workflow's state carrying on from the last one. */
async function expectWholeRecords(t: Test, changes: TaskChange[], handle: WorkflowHandle<typeof taskWorkflow>): Promise<TaskStateView> {
  const seqs = changes.map((change) => change.state.seq);
  t.same(
    seqs,
    seqs.map((_, index) => index + 1),
    'every seq kept once, in order',
  );
  const state = await handle.query(getState);
  t.equal(state.seq, seqs[seqs.length - 1], 'the state carries on from the last record');
  return state;
}

/** Each line of the records file as seq, updatedAt and notification keys: what a failure needs. */
function recordsSummary(file: string): string {
  if (!existsSync(file)) return 'no records';
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const change = JSON.parse(line) as TaskChange;
      const notes = change.notifications.map((note) => `${note.idempotencyKey}${note.catchUp ? ' (catch-up)' : ''}`);
      return `seq ${change.state.seq} at ${change.state.updatedAt}: ${change.events.map((e) => e.type).join(', ')} [${notes.join(', ')}]`;
    })
    .join('\n');
}

t.test('a worker killed while a level is due is replaced: the level fires exactly once, the state is intact', async (t) => {
  const queue = `${taskQueue}-kill`;
  const recordsFile = path.join(workDir, 'records.jsonl');
  let worker = await startWorkerProcess(queue, recordsFile);
  t.teardown(() => killed(worker));

  const deadlineAt = inSeconds(4);
  const spec = killDrillSpec('kill', deadlineAt);
  const handle = await start(spec, queue);
  const wf = handle.workflowId;
  const keys = () => readRecords(recordsFile).notified;

  await eventually(() => keys().includes(`${wf}:d1:l1`), 20_000, 'level 1');
  await killed(worker);
  const levelTwoAt = Date.parse(deadlineAt) + 6000;
  // Let level 2 come due with no worker alive.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, levelTwoAt - Date.now()) + 1500));
  t.notOk(keys().includes(`${wf}:d1:l2`), 'nothing ran while no worker was alive');

  worker = await startWorkerProcess(queue, recordsFile);
  await eventually(() => keys().includes(`${wf}:d1:l2`), 30_000, 'level 2 after the replacement worker started').catch(async (error) => {
    t.comment(recordsSummary(recordsFile));
    const history = await handle.fetchHistory();
    t.comment(JSON.stringify(history.events?.map((event) => [event.eventId?.toString(), event.eventType, event.eventTime?.seconds?.toString()])));
    throw error;
  });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const { changes: records, notified } = readRecords(recordsFile);
  t.ok(notified.includes(`${wf}:d1:l1`), 'level 1 notified');
  t.equal(deciding(records, `${wf}:d1:l2`).length, 1, 'level 2 decided exactly once');
  const levelOne = deciding(records, `${wf}:d1:l1`);
  if (levelOne.length === 0) {
    // The kill took the workflow task that decided level 1 after its record: decided again once
    // level 2 was due too, level 2 goes out as caught up and level 1 is passed over (it went out).
    t.ok(
      deciding(records, `${wf}:d1:l2`)[0]?.notifications.every((note) => note.catchUp),
      'level 2 as caught up, decided in place of the lost level 1',
    );
  } else {
    t.equal(levelOne.length, 1, 'level 1 decided exactly once');
  }
  const state = await expectWholeRecords(t, records, handle);
  t.equal(state.escalationLevel, 2);
  t.equal(state.category, 'open_overdue');
  await handle.terminate('test finished');
});

t.test(
  'a worker dies after recording a level, before its workflow task completes: decided again, the level due by then goes out as caught up',
  async (t) => {
    const queue = `${taskQueue}-lost-task`;
    const recordsFile = path.join(workDir, 'records-lost-task.jsonl');
    const deadlineAt = inSeconds(4);
    const spec = killDrillSpec('lost', deadlineAt);
    const wf = taskWorkflowId(spec);
    const levelOne = `${wf}:d1:l1`;
    const levelTwo = `${wf}:d1:l2`;
    let worker = await startWorkerProcess(queue, recordsFile, levelOne);
    t.teardown(() => killed(worker));
    const handle = await start(spec, queue);
    const died = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

    await died;
    t.ok(readRecords(recordsFile).notified.includes(levelOne), 'level 1 was recorded (and may have gone out) before the worker died');
    // The workflow task that recorded level 1 never completed: the history does not hold it. The
    // replacement starts once level 2 is due as well, before that task times out (10 s).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(deadlineAt) + 6000 - Date.now()) + 500));
    worker = await startWorkerProcess(queue, recordsFile);
    await eventually(() => readRecords(recordsFile).notified.includes(levelTwo), 30_000, 'level 2 after the replacement worker started').catch(
      (error) => {
        t.comment(recordsSummary(recordsFile));
        throw error;
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const { changes, notified } = readRecords(recordsFile);
    const lines = readFileSync(recordsFile, 'utf8').split('\n').filter(Boolean).length;
    t.ok(lines > changes.length, `the lost decision and the one taken again share a seq (${lines} records, ${changes.length} kept)`);
    t.same(notified.slice(-2), [levelOne, levelTwo], 'both levels notified, each once');
    t.equal(deciding(changes, levelOne).length, 0, 'the decision taken again replaces the lost one, which carried level 1');
    t.equal(deciding(changes, levelTwo).length, 1, 'level 2 decided once');
    t.ok(
      deciding(changes, levelTwo)[0]?.notifications.find((note) => note.idempotencyKey === levelTwo)?.catchUp,
      'as caught up: it was due when decided',
    );
    const state = await expectWholeRecords(t, changes, handle);
    t.equal(state.escalationLevel, 2);
    await handle.terminate('test finished');
  },
);
