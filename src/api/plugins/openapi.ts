/**
 * The OpenAPI 3.1 document, generated from the routes' zod declarations (never written by hand),
 * served at /openapi.json, with the interactive docs at /docs.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

async function openapi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'kehoach API',
        description:
          'Theo dõi, đôn đốc các nhiệm vụ của kế hoạch cấp tỉnh. Errors are RFC 9457 problem+json with a stable `type`; every POST honours `Idempotency-Key`.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'Mã truy cập do quản trị viên cấp (`kehoach token create`).' },
        },
      },
      security: [{ bearer: [] }],
      tags: [
        { name: 'health', description: 'Reachability of Temporal and Postgres' },
        { name: 'plans', description: 'Plans, their status and reports' },
        { name: 'tasks', description: 'Tasks and the writes agencies make to them' },
        { name: 'tokens', description: 'API tokens (admin)' },
        { name: 'notifications', description: 'Reminders and escalations sent by e-mail and webhook, and their delivery state' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger());
}

export default fp(openapi, { name: 'openapi', fastify: '5.x' });
