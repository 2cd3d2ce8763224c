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
