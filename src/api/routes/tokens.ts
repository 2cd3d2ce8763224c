/** /api/tokens — API tokens, one per person, bound to an agency and a role (admin only). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as z from 'zod';
import { createToken, listTokens, revokeToken } from '../../db/tokens';
import { requireRole } from '../plugins/auth';
import type { StoredResponse } from '../../db/idempotency';
import { commonProblems, PROBLEM_CONTENT_TYPE, ProblemError, problemResponse } from '../problem';
import { singleLineText } from '../fields';
import { ROLES, slug, tokenSchema } from '../schemas';
import type { RouteDeps } from '../app';
import { apiText } from '../../i18n';

const createBody = z
  .strictObject({
    name: singleLineText(200),
    agency: slug.optional().describe('The agency the holder works for; required for staff and leader'),
    role: z.enum(ROLES),
  })
  .refine((b) => b.role === 'admin' || b.agency !== undefined, { error: () => apiText('tokenNeedsAgency'), path: ['agency'] });

/** What a replay of POST /api/tokens gets: where the token went, not the token. */
function tokenShownOnce(response: StoredResponse): StoredResponse {
  if (response.statusCode !== 201) return response;
  const id = (response.body as { id?: unknown } | null)?.id;
  const problem = new ProblemError('not-replayable', apiText('tokenShownOnce', { id: String(id) }));
  return { statusCode: problem.status, body: problem.toProblem(), headers: { 'content-type': PROBLEM_CONTENT_TYPE } };
}

const tokensRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { db } = deps.db;

  app.post(
    '/api/tokens',
    {
      // The token is shown once: a replay of this request answers 410 with the token's id, never the token.
      config: { storedResponse: tokenShownOnce },
      schema: {
        tags: ['tokens'],
        summary: 'Create a token (admin); the token itself is in this response only',
        body: createBody,
        response: {
          201: z.object({ id: z.string(), token: z.string(), name: z.string(), agency: z.string().optional(), role: z.enum(ROLES) }),
          400: problemResponse('Dữ liệu không hợp lệ'),
          ...commonProblems,
          410: problemResponse('Lặp lại một yêu cầu đã tạo mã (cùng Idempotency-Key): mã chỉ hiển thị một lần'),
          422: problemResponse('Idempotency-Key đã dùng cho yêu cầu khác'),
        },
      },
    },
    async (request, reply) => {
      requireRole(request, ['admin'], 'createToken');
      const { name, agency, role } = request.body;
      const created = await createToken(db, { name, agency: agency ?? null, role });
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({ id: created.id, token: created.token, name, ...(agency ? { agency } : {}), role });
    },
  );

  app.get(
    '/api/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Every token, newest first, revoked ones included (admin)',
        response: { 200: z.object({ items: z.array(tokenSchema) }), ...commonProblems },
      },
    },
    async (request) => {
      requireRole(request, ['admin'], 'listTokens');
      return { items: await listTokens(db) };
    },
  );

  app.delete(
    '/api/tokens/:tokenId',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Revoke a token (admin)',
        params: z.strictObject({ tokenId: z.string().min(1).max(100) }),
        response: {
          204: z.null().describe('Revoked'),
          400: problemResponse('Mã không hợp lệ'),
          ...commonProblems,
          404: problemResponse('Không có mã này'),
        },
      },
    },
    async (request, reply) => {
      requireRole(request, ['admin'], 'revokeToken');
      if (!(await revokeToken(db, request.params.tokenId))) {
        throw new ProblemError('not-found', apiText('tokenNotFound', { id: request.params.tokenId }));
      }
      return reply.code(204).send(null);
    },
  );
};

export default tokensRoutes;
