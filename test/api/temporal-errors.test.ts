/** How Temporal's answers to an update become problems. */
import { ServiceError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import t from 'tap';
import { temporalProblem } from '../../src/api/temporal-errors';
import { RejectionType } from '../../src/domain';

const rejected = (type: string, message: string) =>
  new WorkflowUpdateFailedError('update failed', ApplicationFailure.create({ type, message, nonRetryable: true }));

t.test('validator rejections keep their meaning', async (t) => {
  const cases: [string, number, string][] = [
    [RejectionType.forbidden, 403, 'forbidden'],
    [RejectionType.invalidState, 409, 'conflict'],
    [RejectionType.invalidInput, 422, 'update-rejected'],
    [RejectionType.notFound, 404, 'not-found'],
    ['SomethingElse', 422, 'update-rejected'],
  ];
  for (const [type, status, kind] of cases) {
    const problem = temporalProblem(rejected(type, `lý do ${type}`), 'nhiệm vụ t01');
    t.equal(problem.status, status, type);
    t.equal(problem.kind, kind);
    t.equal(problem.message, `lý do ${type}`, "the workflow's own words reach the caller");
  }
});

t.test("a refusal named by its catalogue key is worded in the caller's language", async (t) => {
  const values = { lead: 'cong-an', task: 't01', agency: 'so-y-te' };
  const failure = new WorkflowUpdateFailedError(
    'update failed',
    ApplicationFailure.create({ type: RejectionType.forbidden, message: 'completeForbidden', details: [values], nonRetryable: true }),
  );
  const saved = process.env.KEHOACH_LANG;
  t.teardown(() => {
    if (saved === undefined) delete process.env.KEHOACH_LANG;
    else process.env.KEHOACH_LANG = saved;
  });
  delete process.env.KEHOACH_LANG;
  const vietnamese = temporalProblem(failure, 'nhiệm vụ t01');
  t.equal(vietnamese.status, 403);
  t.equal(
    vietnamese.message,
    'Chỉ cán bộ của cơ quan chủ trì "cong-an" (hoặc quản trị viên) được báo cáo hoàn thành nhiệm vụ t01; cơ quan "so-y-te" không có quyền này.',
  );
  t.equal(vietnamese.toProblem().title, 'Không có quyền');
  process.env.KEHOACH_LANG = 'en';
  const english = temporalProblem(failure, 'task t01');
  t.equal(english.message, 'Only staff of the lead agency "cong-an" (or an administrator) may report task t01 done; agency "so-y-te" may not.');
  t.equal(english.toProblem().title, 'Not allowed');
});

t.test('a missing workflow is 404; an unreachable or slow server is 503 with Retry-After', async (t) => {
  t.equal(temporalProblem(new WorkflowNotFoundError('gone', 'task:p:t', undefined), 'nhiệm vụ t').status, 404);
  const grpcUnavailable = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14, details: '', metadata: {} });
  for (const error of [
    new WorkflowUpdateRPCTimeoutOrCancelledError('timed out'),
    new ServiceError('Failed to start update', { cause: grpcUnavailable }),
  ]) {
    const problem = temporalProblem(error, 'nhiệm vụ t');
    t.equal(problem.status, 503, error.constructor.name);
    t.ok(problem.retryAfter && problem.retryAfter > 0);
  }
});

t.test('anything else is not guessed at: it is rethrown (and becomes a generic 500)', async (t) => {
  const bug = new TypeError('cannot read properties of undefined (deadline)');
  t.throws(() => temporalProblem(bug, 'nhiệm vụ t'), bug);
});
