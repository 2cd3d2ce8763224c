/**
 * The HTTP client the CLI's `report`, `token`, `diff` and `apply` commands use: KEHOACH_URL and KEHOACH_TOKEN (or
 * the local admin token file), problem+json turned into one readable line.
 */
import { loadConfig, resolveApiToken } from '../config';
import { cliText } from '../i18n';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    /** The problem+json body, when the API sent one (plan validation errors carry line and column). */
    readonly problem?: ApiProblem,
  ) {
    super(message);
  }
}

export interface ApiProblem {
  type?: string;
  title?: string;
  detail?: string;
  errors?: { path?: string; message: string; line?: number; col?: number; severity?: 'error' | 'warning'; code?: string }[];
}

/** A body sent as is, with its own media type (a plan file as application/yaml). */
export interface RawBody {
  contentType: string;
  text: string;
}

export interface ApiClient {
  url: string;
  request(method: string, path: string, body?: unknown, raw?: RawBody): Promise<{ status: number; contentType: string; text: string; json(): any }>;
}

export function createApiClient(): ApiClient {
  const config = loadConfig();
  const token = resolveApiToken(config);
  return {
    url: config.apiUrl,
    async request(method, path, body, raw) {
      let response: Response;
      try {
        response = await fetch(config.apiUrl + path, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(raw ? { 'content-type': raw.contentType } : body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          body: raw ? raw.text : body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (error) {
        throw new ApiError(cliText('client.unreachable', { url: config.apiUrl, reason: (error as Error).message }), 0);
      }
      // Decoded by hand: fetch's text() drops the byte-order mark that Excel needs in CSV output.
      const text = Buffer.from(await response.arrayBuffer()).toString('utf8');
      const contentType = response.headers.get('content-type') ?? '';
      if (!response.ok) {
        let message = `${response.status} ${response.statusText}`;
        let problem: ApiProblem | undefined;
        if (contentType.includes('json')) {
          try {
            problem = JSON.parse(text) as ApiProblem;
            message = `${problem.title ?? message}: ${problem.detail ?? ''}`.trim();
            for (const e of problem.errors ?? []) message += `\n  ${e.path ? `${e.path}: ` : ''}${e.message}`;
          } catch {
            // Not the problem shape after all; the status line says enough.
            problem = undefined;
          }
        }
        throw new ApiError(message, response.status, problem);
      }
      return { status: response.status, contentType, text, json: () => JSON.parse(text) };
    },
  };
}
