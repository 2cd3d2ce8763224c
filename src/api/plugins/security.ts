/**
 * Headers and limits against intruders: helmet's headers on every response (a CSP the docs UI at
 * /docs satisfies: its scripts and styles are served from this origin), rate limits on failed
 * authentication (per client address; once exceeded, further attempts are refused before any
 * token lookup) and on writes (per token), and `Cache-Control: no-store` wherever a secret is sent.
 */
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ProblemError } from '../problem';
import { apiText } from '../../i18n';

export interface RateLimits {
  /** Failed authentications per client address per minute before 429 (default 30). */
  authFailuresPerMinute: number;
  /** Writes (POST, DELETE) per token per minute before 429 (default 600). */
  writesPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { authFailuresPerMinute: 30, writesPerMinute: 600 };

const WINDOW_MS = 60_000;

declare module 'fastify' {
  interface FastifyInstance {
    /** Counts a failed authentication; throws 429 once the client is over its limit. */
    authenticationFailed(request: FastifyRequest, reply: FastifyReply): Promise<void>;
    /** Throws 429 while the client is blocked for failing authentication too often. */
    refuseBlockedClient(request: FastifyRequest): void;
  }
}

function tooMany(what: 'tooManyRequests' | 'tooManyAuthFailures', retryAfterSeconds: number): ProblemError {
  return new ProblemError('too-many-requests', apiText(what, { seconds: retryAfterSeconds }), { retryAfter: retryAfterSeconds });
}

async function security(app: FastifyInstance, options: { rateLimits?: Partial<RateLimits> }): Promise<void> {
  const limits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        // Served over plain http on a LAN or localhost as often as over https.
        upgradeInsecureRequests: null,
        // The docs UI shows the validator badge and inline SVG images.
        imgSrc: ["'self'", 'data:'],
      },
    },
    // Cross-origin isolation headers would stop the docs UI from fetching /openapi.json on some setups.
    crossOriginEmbedderPolicy: false,
  });

  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => tooMany('tooManyRequests', Math.max(1, Math.ceil(context.ttl / 1000))),
  });

  // Addresses over their failure limit, until when: refused before the token is even looked up.
  const blockedUntil = new Map<string, number>();
  const failureLimiter = app.rateLimit({
    max: limits.authFailuresPerMinute,
    timeWindow: WINDOW_MS,
    groupId: 'auth-failures',
    onExceeded: (request) => {
      if (blockedUntil.size > 10_000) {
        const now = Date.now();
        for (const [address, until] of blockedUntil) if (until <= now) blockedUntil.delete(address);
      }
      blockedUntil.set(request.ip, Date.now() + WINDOW_MS);
    },
    errorResponseBuilder: () => tooMany('tooManyAuthFailures', WINDOW_MS / 1000),
  });

  app.decorate('authenticationFailed', async (request: FastifyRequest, reply: FastifyReply) => {
    await failureLimiter.call(app, request, reply);
  });
  app.decorate('refuseBlockedClient', (request: FastifyRequest) => {
    const until = blockedUntil.get(request.ip);
    if (until === undefined) return;
    if (until <= Date.now()) {
      blockedUntil.delete(request.ip);
      return;
    }
    throw tooMany('tooManyAuthFailures', Math.ceil((until - Date.now()) / 1000));
  });

  const writeLimiter = app.rateLimit({
    max: limits.writesPerMinute,
    timeWindow: WINDOW_MS,
    groupId: 'writes',
    keyGenerator: (request) => request.principal?.tokenId ?? request.ip,
  });
  app.addHook('preHandler', async (request, reply) => {
    if (request.method === 'POST' || request.method === 'DELETE') await writeLimiter.call(app, request, reply);
  });
}

export default fp(security, { name: 'security', fastify: '5.x', dependencies: ['problem-details'] });
