/**
 * Listening only: the app is built by buildApp (app.ts) and the connections by the caller
 * (src/cli/api.ts, src/cli/up.ts). Closing the server stops accepting requests and waits for
 * those in flight; the connections are closed by whoever opened them, after this.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from './app';

export interface RunningApi {
  app: FastifyInstance;
  /** http://host:port */
  url: string;
  close(): Promise<void>;
}

export async function startApiServer(deps: AppDeps, listen: { host: string; port: number }): Promise<RunningApi> {
  const app = await buildApp(deps);
  await app.listen({ host: listen.host, port: listen.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  const host = listen.host === '0.0.0.0' || listen.host === '::' ? '127.0.0.1' : listen.host;
  return { app, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, close: () => app.close() };
}
