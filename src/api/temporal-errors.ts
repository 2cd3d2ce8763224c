/**
 * Sending a Workflow Update from a request and turning what Temporal says into problems:
 * a validator's ApplicationFailure keeps its meaning (403 / 409 / 422 / 404), a missing workflow
 * is 404, and an unreachable or slow server is 503 with Retry-After. The update ID comes from the
 * Idempotency-Key when there is one, so a retry after a 503 can never apply the change twice.
 */
import { randomUUID } from 'node:crypto';
import {
  isGrpcDeadlineError,
  isGrpcServiceError,
  ServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';
import { UNSTORABLE_RECORD } from '../domain/activity-contracts';
import { RejectionType } from '../domain';
import { ProblemError } from './problem';
import { apiText, rejectionText } from '../i18n';

/** Seconds a client should wait before retrying when Temporal is unreachable. */
export const RETRY_AFTER_SECONDS = 5;

// gRPC status codes that mean "the server is not there or not answering", not "you asked wrongly".
const UNAVAILABLE_CODES = new Set([4 /* DEADLINE_EXCEEDED */, 8 /* RESOURCE_EXHAUSTED */, 14 /* UNAVAILABLE */, 1 /* CANCELLED */]);
const NOT_FOUND = 5;

function grpcCode(error: unknown): number | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (isGrpcServiceError(current)) return current.code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * 503 with Retry-After. `mayBeRecorded`: the request reached Temporal but no answer came in time,
 * so the change may yet be applied; the answer must not claim that nothing was recorded.
 */
export function upstreamUnavailable(what: string, cause?: unknown, mayBeRecorded = false): ProblemError {
  const detail = apiText(mayBeRecorded ? 'unavailableMayBeRecorded' : 'unavailable', { what, seconds: RETRY_AFTER_SECONDS });
  return new ProblemError('upstream-unavailable', detail, {
    retryAfter: RETRY_AFTER_SECONDS,
    cause,
  });
}

/** The ApplicationFailure inside an update failure: thrown by a validator, or by an activity the handler awaited. */
function applicationFailureOf(failure: unknown): ApplicationFailure | undefined {
  if (failure instanceof ApplicationFailure) return failure;
  if (failure instanceof ActivityFailure && failure.cause instanceof ApplicationFailure) return failure.cause;
  return undefined;
}

/** The problem for a refusal of src/domain/permissions.ts, worded from the catalogue by its key. */
export function rejectionProblem(type: string | undefined | null, key: string, values: unknown, cause?: unknown): ProblemError {
  const detail = rejectionText(key, values) ?? (key || apiText('rejected'));
  const options = cause === undefined ? {} : { cause };
  switch (type) {
    case RejectionType.forbidden:
      return new ProblemError('forbidden', detail, options);
    case RejectionType.invalidState:
      return new ProblemError('conflict', detail, options);
    case RejectionType.notFound:
      return new ProblemError('not-found', detail, options);
    default:
      return new ProblemError('update-rejected', detail, options);
  }
}

/** Maps an error from a Temporal client call to a problem, or rethrows what it does not know. */
export function temporalProblem(error: unknown, subject: string): ProblemError {
  if (error instanceof ProblemError) return error;
  if (error instanceof WorkflowUpdateFailedError) {
    const failure = applicationFailureOf(error.cause);
    if (failure?.type === UNSTORABLE_RECORD) {
      return new ProblemError('update-rejected', apiText('unstorable'), { cause: error });
    }
    // A refusal names its message by key, with its values in the details (src/domain/permissions.ts).
    if (failure) return rejectionProblem(failure.type, failure.message, failure.details?.[0], error);
    return new ProblemError('update-rejected', error.cause?.message ?? error.message, { cause: error });
  }
  if (error instanceof WorkflowNotFoundError || grpcCode(error) === NOT_FOUND) {
    return new ProblemError('not-found', apiText('notFoundSubject', { subject }), { cause: error });
  }
  // Sent, but no answer in time: the update may be accepted and applied once a worker runs it.
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isGrpcDeadlineError(error) || grpcCode(error) === 4) {
    return upstreamUnavailable('Temporal', error, true);
  }
  if (
    UNAVAILABLE_CODES.has(grpcCode(error) ?? -1) ||
    // The client's own connection retries end in a ServiceError whose message carries the gRPC status.
    (error instanceof ServiceError && /UNAVAILABLE|DEADLINE_EXCEEDED|ECONNREFUSED/.test(error.message))
  ) {
    return upstreamUnavailable('Temporal', error);
  }
  throw error;
}

export interface UpdateRequest<Ret, Input> {
  client: Client;
  workflowId: string;
  update: UpdateDefinition<Ret, [Input]>;
  input: Input;
  /** Scoped Idempotency-Key, or undefined for a fresh id. */
  updateId?: string;
  timeoutMs: number;
  subject: string;
}

export async function sendUpdate<Ret, Input>(request: UpdateRequest<Ret, Input>): Promise<Ret> {
  const handle = request.client.workflow.getHandle(request.workflowId);
  try {
    return await request.client.withDeadline(Date.now() + request.timeoutMs, () =>
      handle.executeUpdate(request.update, { args: [request.input], updateId: request.updateId ?? randomUUID() }),
    );
  } catch (error) {
    throw temporalProblem(error, request.subject);
  }
}
