/**
 * Bearer tokens → the principal acting (token id, name, agency, role). Every route is private
 * unless its `config.public` says otherwise; what a principal may do to a task is decided by
 * the rules in ../permissions.ts, checked before any update is sent (the workflow checks again).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ProblemError } from '../problem';
import type { Actor } from '../../domain';
import { apiText } from '../../i18n';

/** What a role-restricted route does, as the catalogue words it (`api:action.<name>`). */
export type RoleAction = 'previewPlan' | 'applyPlan' | 'createToken' | 'listTokens' | 'revokeToken' | 'listNotifications';

export type PrincipalRole = 'staff' | 'leader' | 'admin';

export interface Principal {
  tokenId: string;
  name: string;
  /** The agency the token is bound to; admins may have none. */
  agency?: string;
  role: PrincipalRole;
}

export interface AuthOptions {
  /**
   * Resolves a bearer token to its principal; undefined when the token is unknown or revoked. The
   * request lets a verifier that keeps principals know whether it may serve a kept one.
   */
  verify(bearer: string, request?: FastifyRequest): Promise<Principal | undefined>;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Reachable without a token (health, OpenAPI, docs). */
    public?: boolean;
  }
}

/** The principal of an authenticated route (the hook guarantees one). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new ProblemError('unauthenticated', apiText('tokenNeeded'));
  return request.principal;
}

export function actorOf(principal: Principal): Actor {
  return { id: principal.tokenId, name: principal.name, agency: principal.agency, role: principal.role };
}

export function requireRole(request: FastifyRequest, roles: readonly PrincipalRole[], action: RoleAction): Principal {
  const principal = principalOf(request);
  if (!roles.includes(principal.role)) {
    const needed = roles.map((role) => `"${role}"`).join(apiText('or'));
    throw new ProblemError('forbidden', apiText('roleForbidden', { role: principal.role, what: apiText(`action.${action}`), roles: needed }));
  }
  return principal;
}

async function auth(app: FastifyInstance, options: AuthOptions): Promise<void> {
  app.decorateRequest('principal', null);

  app.addHook('onRequest', async (request, reply) => {
    // The docs UI is a third-party plugin whose routes carry no config of ours.
    if (request.is404 || request.routeOptions.config.public || request.routeOptions.url?.startsWith('/docs')) return;
    app.refuseBlockedClient(request);
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match?.[1]) {
      throw new ProblemError('unauthenticated', apiText('tokenMissing'));
    }
    const principal = await options.verify(match[1], request);
    if (!principal) {
      // Counted per address: past the limit the answer is 429 and later guesses are not looked up.
      await app.authenticationFailed(request, reply);
      throw new ProblemError('unauthenticated', apiText('tokenInvalid'));
    }
    request.principal = principal;
  });
}

export default fp(auth, { name: 'auth', fastify: '5.x', dependencies: ['problem-details', 'security'] });
