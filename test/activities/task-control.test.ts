/**
 * A reconciliation call's pages (src/activities/task-control.ts): the pages of a call share their
 * lanes, each page's progress is recorded in order once it is handled, a failure lets everything
 * in flight settle before the call fails, and a retried attempt resumes after the last page its
 * predecessor recorded. Temporal's client and the plan store are the neighbours, stood in for
 * here; the real ones are exercised by test/workflows/plan.test.ts and test/e2e/national-plan.test.ts.
 */
import t from 'tap';
import type { Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createTaskControlActivities, RECONCILE_CONCURRENCY, sharedLanes } from '../../src/activities/task-control';
import { taskWorkflowId, type PlanStore, type ReconcilePageInput, type ReconcileProgress } from '../../src/domain';
import type { TaskSpec } from '../../src/plan/model';
import { makeSpec } from '../helpers/temporal';

const PLAN = 'ke-hoach-trang';
const pause = () => new Promise((resolve) => setImmediate(resolve));

/** Resolves after `ms` of real time: long enough for every lane to be taken. */
const after = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Recorder {
  log: string[];
  progress: ReconcileProgress[];
  /** Beside each progress recorded: whether it stamped the reconciliation finished. */
  finished: boolean[];
  failures: string[];
  inFlight: number;
  mostInFlight: number;
}

/**
 * A plan store holding `specs` as the set to start (or their ids as the set to cancel), and a
 * client whose starts and updates take a few milliseconds each and fail for `failing`.
 */
function neighbours(specs: TaskSpec[], options: { failing?: string; slowFirstPage?: boolean } = {}) {
  const recorder: Recorder = { log: [], progress: [], finished: [], failures: [], inFlight: 0, mostInFlight: 0 };
  const ids = specs.map(taskWorkflowId).sort();
  const byId = new Map(specs.map((spec) => [taskWorkflowId(spec), spec]));
  const touch = async (workflowId: string) => {
    recorder.inFlight += 1;
    recorder.mostInFlight = Math.max(recorder.mostInFlight, recorder.inFlight);
    recorder.log.push(`begin ${workflowId}`);
    await after(options.slowFirstPage && ids.indexOf(workflowId) < 4 ? 30 : 2);
    recorder.inFlight -= 1;
    if (workflowId === options.failing) throw new Error(`Temporal refused ${workflowId}`);
    recorder.log.push(`end ${workflowId}`);
  };
  const client = {
    workflow: {
      start: async (_type: string, options: { workflowId: string }) => touch(options.workflowId),
      getHandle: (workflowId: string) => ({ executeUpdate: async () => touch(workflowId), signal: async () => undefined }),
    },
  } as unknown as Client;
  const store = {
    async changesPage({ after: cursor, limit }: { after?: string; limit: number }) {
      const page = ids.filter((id) => cursor === undefined || id > cursor).slice(0, limit);
      recorder.log.push(`read after ${cursor ?? '-'}`);
      return { specs: page.map((id) => byId.get(id)!), workflowIds: page };
    },
    async recordProgress({ progress, finishedAt }: { progress: ReconcileProgress; finishedAt?: string }) {
      recorder.log.push(`record ${progress.started + progress.cancelled}`);
      recorder.progress.push(progress);
      recorder.finished.push(finishedAt !== undefined);
    },
    async recordFailure({ message }: { message: string }) {
      recorder.failures.push(message);
    },
  } as unknown as PlanStore;
  const activities = createTaskControlActivities(client, { doneAt: async () => ({}) }, store, {
    lastRecorded: async () => ({}),
    recordFirstChanges: async () => [],
  });
  return { recorder, activities, ids };
}

const specs = (count: number) =>
  Array.from({ length: count }, (_, index) => makeSpec({ planId: PLAN, taskId: `t${String(index).padStart(2, '0')}` }));

function callInput(kind: ReconcilePageInput['kind'], limit: number, pages: number | undefined, after?: string): ReconcilePageInput {
  return {
    planId: PLAN,
    planVersion: 2,
    actor: { id: 'admin', role: 'admin' },
    kind,
    to: 'b'.repeat(64),
    ...(after !== undefined ? { after } : {}),
    limit,
    ...(pages !== undefined ? { pages } : {}),
    progress: { started: 0, amended: 0, cancelled: 0, errors: 0 },
  };
}

t.test('shared lanes: never more at once than the limit, whoever asks; a failure reaches every caller', async (t) => {
  const lanes = sharedLanes(3);
  let running = 0;
  let most = 0;
  const work = async () => {
    running += 1;
    most = Math.max(most, running);
    await after(2);
    running -= 1;
  };
  await Promise.all([lanes.each([1, 2, 3, 4, 5], work), lanes.each([6, 7, 8, 9], work)]);
  t.equal(most, 3, 'two callers share three lanes');

  const failing = sharedLanes(2);
  const begun: number[] = [];
  const first = failing.each([1, 2, 3, 4], async (item) => {
    begun.push(item);
    // 2 fails while 1 still runs: 3 would take 1's lane.
    await (item === 1 ? after(20) : pause());
    if (item === 2) throw new Error('refused 2');
  });
  const second = failing.each([5, 6], async (item) => {
    begun.push(item);
  });
  await Promise.all([t.rejects(first, /refused 2/), t.rejects(second, /refused 2/, 'the other caller hears of it too')]);
  t.same(begun, [1, 2], 'nothing that had not begun runs after the failure');
});

t.test('a call starts its pages one after another without draining its lanes, recording each page in order', async (t) => {
  // Pages of 20, two in hand: 40 starts could run at once if each page had lanes of its own.
  const { recorder, activities, ids } = neighbours(specs(55), { slowFirstPage: true });
  const result = await activities.startTasks(callInput('start', 20, 10));
  t.same(result, { count: 55, errors: 0, done: true, last: ids[54] }, 'every page handled; the last came back short');
  t.same(
    recorder.progress.map((progress) => progress.started),
    [20, 40, 55],
    'progress recorded page by page, in order, as absolute figures',
  );
  t.equal(recorder.log.filter((line) => line.startsWith('begin')).length, 55, 'each task started once');
  t.equal(recorder.mostInFlight, RECONCILE_CONCURRENCY, `the pages share ${RECONCILE_CONCURRENCY} lanes, and fill them`);
  // The first page's first starts are slow: the second page's starts begin before the first page is done.
  const secondPageBegins = recorder.log.indexOf(`begin ${ids[20]}`);
  const firstPageEnds = recorder.log.indexOf(`end ${ids[0]}`);
  t.ok(secondPageBegins >= 0 && secondPageBegins < firstPageEnds, 'the next page runs beside the one before it');
  t.ok(recorder.log.indexOf('record 20') < recorder.log.indexOf('record 40'), 'the first page is recorded first');
});

t.test('a call handles at most its pages and says that the phase goes on', async (t) => {
  const { recorder, activities, ids } = neighbours(specs(23));
  const first = await activities.cancelTasks(callInput('cancel', 5, 2));
  t.same(first, { count: 10, errors: 0, done: false, last: ids[9] });
  const next = await activities.cancelTasks({ ...callInput('cancel', 5, 2, first.last), progress: recorder.progress.at(-1)! });
  t.same(next, { count: 10, errors: 0, done: false, last: ids[19] });
  t.same(recorder.progress.at(-1)?.cancelled, 20, 'the figures run on from the progress the call was given');

  // A call scheduled by earlier code names no pages: one page.
  const { activities: older } = neighbours(specs(23));
  t.same(await older.cancelTasks(callInput('cancel', 5, undefined)), { count: 5, errors: 0, done: false, last: ids[4] });
});

t.test('the page that makes the last change stamps the reconciliation finished', async (t) => {
  const { recorder, activities } = neighbours(specs(12));
  await activities.startTasks({ ...callInput('start', 5, 10), counts: { start: 12, amend: 0, cancel: 0 } });
  t.same(recorder.finished, [false, false, true], 'only the last page, with every start made');

  const amendsFollow = neighbours(specs(12));
  await amendsFollow.activities.startTasks({ ...callInput('start', 5, 10), counts: { start: 12, amend: 3, cancel: 0 } });
  t.same(amendsFollow.recorder.finished, [false, false, false], 'the starts are not the end while amendments remain');

  const earlier = neighbours(specs(12));
  await earlier.activities.startTasks(callInput('start', 5, 10));
  t.same(earlier.recorder.finished, [false, false, false], 'a call scheduled by earlier code (no counts) leaves the stamp to the plan workflow');

  // A cancel phase after starts and amendments: the progress given carries the earlier phases.
  const cancels = neighbours(specs(7));
  await cancels.activities.cancelTasks({
    ...callInput('cancel', 5, 10),
    progress: { started: 4, amended: 2, cancelled: 0, errors: 1 },
    counts: { start: 4, amend: 2, cancel: 7 },
  });
  t.same(cancels.recorder.finished, [false, true], 'the last cancellation finishes a reconciliation of every kind');
});

t.test('a failing start fails the call once everything it began has settled, with the failure recorded', async (t) => {
  const { recorder, activities, ids } = neighbours(specs(23), { failing: taskWorkflowId(makeSpec({ planId: PLAN, taskId: 't07' })) });
  await t.rejects(activities.startTasks(callInput('start', 5, 10)), /Temporal refused/);
  t.equal(recorder.inFlight, 0, 'no start was still running when the call failed');
  t.same(
    recorder.progress.map((progress) => progress.started),
    [5],
    'the first page was recorded; the failing one and those after it were not',
  );
  t.match(recorder.failures, [/Temporal refused/], "the failure is the reconciliation's last error");
  t.notOk(recorder.log.includes(`begin ${ids[22]}`), 'pages after the failure were not started');
});

t.test('a retried call resumes after the last page its earlier attempt recorded', async (t) => {
  const { recorder, activities, ids } = neighbours(specs(23));
  const input = callInput('cancel', 5, 10);
  const heartbeats: unknown[] = [];
  const firstAttempt = new MockActivityEnvironment();
  firstAttempt.on('heartbeat', (details: unknown) => heartbeats.push(details));
  await firstAttempt.run(activities.cancelTasks, { ...input, pages: 2 });
  const last = heartbeats.at(-1) as { after: string; count: number };
  t.match(last, { kind: 'cancel', after: ids[9], count: 10, progress: { cancelled: 10 } }, 'the heartbeat names where the call stands');

  recorder.log.length = 0;
  const retried = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: last });
  const result = await retried.run(activities.cancelTasks, input);
  t.same(result, { count: 23, errors: 0, done: true, last: ids[22] }, 'the call counts the pages of both attempts');
  t.equal(recorder.log[0], `read after ${ids[9]}`, 'the retried attempt reads on after the recorded page');
  t.equal(recorder.log.filter((line) => line.startsWith('begin')).length, 13, 'and touches only what was left');
});
