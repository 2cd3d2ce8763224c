/**
 * The one error handler: every error leaves as problem+json. Known errors keep their meaning;
 * anything else is logged with the request id and answered with a generic 500 so that internals
 * (SQL, stack traces, hostnames) never reach the client.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { PROBLEM_CONTENT_TYPE, ProblemError, type ProblemField } from '../problem';
import { apiText } from '../../i18n';

function instanceOf(request: FastifyRequest): string {
  return `${request.url.split('?')[0]}#${request.id}`;
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: ProblemError): FastifyReply {
  if (problem.retryAfter !== undefined) reply.header('retry-after', String(problem.retryAfter));
  return reply
    .code(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(problem.toProblem(instanceOf(request)));
}

function fieldsOf(error: { validation: { instancePath?: string; message?: string }[] }, context?: string): ProblemField[] {
  return error.validation.map((issue) => {
    const pointer = (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    const where = [context, pointer].filter(Boolean).join('.');
    return { ...(where ? { path: where } : {}), message: issue.message ?? apiText('invalid') };
  });
}

// postgres.js connection failures and the SQLSTATEs of a server that is down, restarting or full:
// the database is unavailable, not a bug.
const DATABASE_UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * True when the error, or any error in its cause chain, says the database cannot be reached:
 * drizzle wraps postgres.js errors (DrizzleQueryError → cause), and AggregateErrors list each
 * address tried.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0 && seen.size < 20) {
    const current = pending.shift();
    if (!current || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && DATABASE_UNAVAILABLE.has(code)) return true;
    pending.push((current as { cause?: unknown }).cause);
    if (current instanceof AggregateError) pending.push(...current.errors);
  }
  return false;
}

/** Maps an error fastify or a route raised to the problem it stands for. */
export function toProblemError(error: unknown): ProblemError | undefined {
  if (error instanceof ProblemError) return error;
  if (isDatabaseUnavailable(error)) {
    return new ProblemError('upstream-unavailable', apiText('unavailable', { what: apiText('database'), seconds: DATABASE_RETRY_AFTER_SECONDS }), {
      retryAfter: DATABASE_RETRY_AFTER_SECONDS,
      cause: error,
    });
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as FastifyError).validationContext;
    const errors = fieldsOf(error, context);
    const details = errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ');
    return new ProblemError('validation', apiText('requestInvalid', { details }), {
      errors,
    });
  }
  const fastifyError = error as Partial<FastifyError> | undefined;
  switch (fastifyError?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ProblemError('payload-too-large', apiText('bodyTooLarge'));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ProblemError('unsupported-media-type', apiText('unsupportedMediaType'));
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ProblemError('validation', apiText('bodyUnreadable', { reason: fastifyError.message ?? '' }).trim());
    default:
      break;
  }
  if (fastifyError?.validation && Array.isArray(fastifyError.validation)) {
    return new ProblemError('validation', apiText('requestInvalid', { details: fastifyError.message ?? '' }), {
      errors: fieldsOf(fastifyError as { validation: { instancePath?: string; message?: string }[] }, fastifyError.validationContext),
    });
  }
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && !isResponseSerializationError(error)) {
    const kind =
      status === 404
        ? 'not-found'
        : status === 401
          ? 'unauthenticated'
          : status === 403
            ? 'forbidden'
            : status === 413
              ? 'payload-too-large'
              : status === 415
                ? 'unsupported-media-type'
                : 'validation';
    return new ProblemError(kind, fastifyError?.message ?? apiText('requestInvalidShort'), { status });
  }
  return undefined;
}

/** Fastify's `frameworkErrors`: router errors raised before any hook, answered as problems too. */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const problem =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new ProblemError('uri-too-long', apiText('pathPartTooLong'))
      : new ProblemError('validation', apiText('pathInvalid'));
  reply
    .code(problem.status)
    .header('x-request-id', request.id)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problem.toProblem(`#${request.id}`)));
}

async function problemDetails(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((error, request, reply) => {
    const problem = toProblemError(error);
    if (problem) {
      // Every 5xx is logged with its request id, which the answer tells the user to pass on.
      if (problem.status >= 500) request.log.error({ err: error, reqId: request.id }, problem.message);
      return sendProblem(reply, request, problem);
    }
    request.log.error({ err: error, reqId: request.id }, 'unhandled error');
    return sendProblem(reply, request, new ProblemError('internal', apiText('internal', { requestId: request.id })));
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, request, new ProblemError('not-found', apiText('routeNotFound', { method: request.method, path: request.url.split('?')[0] }))),
  );
}

export default fp(problemDetails, { name: 'problem-details', fastify: '5.x' });
