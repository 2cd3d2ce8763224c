/**
 * The one error handler: every error leaves as problem+json. Known errors keep their meaning;
 * anything else is logged with the request id and answered with a generic 500 so that internals
 * (SQL, stack traces, hostnames) never reach the client.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { PROBLEM_CONTENT_TYPE, ProblemError, type ProblemField } from '../problem';

function instanceOf(request: FastifyRequest): string {
  return `${request.url.split('?')[0]}#${request.id}`;
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: ProblemError): FastifyReply {
  if (problem.retryAfter !== undefined) reply.header('retry-after', String(problem.retryAfter));
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem.toProblem(instanceOf(request)));
}

function fieldsOf(error: { validation: { instancePath?: string; message?: string }[] }, context?: string): ProblemField[] {
  return error.validation.map((issue) => {
    const pointer = (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    const where = [context, pointer].filter(Boolean).join('.');
    return { ...(where ? { path: where } : {}), message: issue.message ?? 'không hợp lệ' };
  });
}

// postgres.js connection failures: the database is down or restarting, not a bug.
const DATABASE_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', '57P01', '57P03']);

/** Maps an error fastify or a route raised to the problem it stands for. */
export function toProblemError(error: unknown): ProblemError | undefined {
  if (error instanceof ProblemError) return error;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && DATABASE_UNAVAILABLE.has(code)) {
    return new ProblemError('upstream-unavailable', 'Cơ sở dữ liệu hiện không phản hồi; chưa có thay đổi nào được ghi. Hãy thử lại sau ít giây.', {
      retryAfter: 5,
      cause: error,
    });
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as FastifyError).validationContext;
    const errors = fieldsOf(error, context);
    return new ProblemError(
      'validation',
      `Yêu cầu không hợp lệ: ${errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ')}`,
      { errors },
    );
  }
  const fastifyError = error as Partial<FastifyError> | undefined;
  switch (fastifyError?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ProblemError('payload-too-large', 'Nội dung yêu cầu vượt quá giới hạn cho phép; hãy gửi nội dung nhỏ hơn.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ProblemError(
        'unsupported-media-type',
        'Kiểu nội dung không được hỗ trợ: gửi application/json (hoặc application/yaml cho tệp kế hoạch).',
      );
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ProblemError('validation', `Nội dung yêu cầu không đọc được: ${fastifyError.message ?? ''}`.trim());
    default:
      break;
  }
  if (fastifyError?.validation && Array.isArray(fastifyError.validation)) {
    return new ProblemError('validation', `Yêu cầu không hợp lệ: ${fastifyError.message ?? ''}`, {
      errors: fieldsOf(fastifyError as { validation: { instancePath?: string; message?: string }[] }, fastifyError.validationContext),
    });
  }
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && !isResponseSerializationError(error)) {
    const kind = status === 404 ? 'not-found' : status === 401 ? 'unauthenticated' : status === 403 ? 'forbidden' : status === 413 ? 'payload-too-large' : status === 415 ? 'unsupported-media-type' : 'validation';
    return new ProblemError(kind, fastifyError?.message ?? 'Yêu cầu không hợp lệ.', { status });
  }
  return undefined;
}

async function problemDetails(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((error, request, reply) => {
    const problem = toProblemError(error);
    if (problem) {
      if (problem.status >= 500) request.log.warn({ err: error }, problem.message);
      return sendProblem(reply, request, problem);
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(
      reply,
      request,
      new ProblemError('internal', `Lỗi không mong muốn; hãy thử lại hoặc báo quản trị viên kèm mã yêu cầu ${request.id}.`),
    );
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, request, new ProblemError('not-found', `Không có đường dẫn ${request.method} ${request.url.split('?')[0]}; xem /docs để biết các đường dẫn của API.`)),
  );
}

export default fp(problemDetails, { name: 'problem-details', fastify: '5.x' });
