/**
 * What a request must look like before any route sees it: bodies are UTF-8 (invalid bytes are
 * refused, not silently replaced by U+FFFD), each route takes only the media types it declares
 * (`consumes`; application/json otherwise), and URLs have a bounded length. Every refusal is a
 * problem+json like any other error.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ProblemError } from '../problem';
import { apiText } from '../../i18n';

/** Longest URL (path and query) the API reads; task addresses and filters fit in far less. */
export const MAX_URL_LENGTH = 2_048;

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

function decodeUtf8(body: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new ProblemError('validation', apiText('notUtf8'), {
      errors: [{ path: 'body', message: apiText('notUtf8Field') }],
    });
  }
}

function mediaTypeOf(request: FastifyRequest): string | undefined {
  const header = request.headers['content-type'];
  return typeof header === 'string' ? header.split(';')[0]!.trim().toLowerCase() : undefined;
}

async function inputGuards(app: FastifyInstance): Promise<void> {
  // Fastify's own parsers decode as UTF-8 with replacement and accept text/plain for every route.
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = decodeUtf8(body as Buffer);
    } catch (error) {
      done(error as Error, undefined);
      return;
    }
    void jsonParser(request, text, done);
  });
  // Plan files are posted as YAML text; the route validates them with the plan loader.
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, decodeUtf8(body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  app.addHook('onRequest', async (request) => {
    if (request.url.length > MAX_URL_LENGTH) {
      throw new ProblemError('uri-too-long', apiText('urlTooLong', { length: request.url.length, max: MAX_URL_LENGTH }));
    }
  });

  app.addHook('preValidation', async (request) => {
    const mediaType = mediaTypeOf(request);
    if (mediaType === undefined || request.body === undefined) return;
    const declared = (request.routeOptions.schema as { consumes?: string[] } | undefined)?.consumes ?? ['application/json'];
    const accepted = declared.some((type) => type === 'application/yaml') ? [...declared, ...YAML_TYPES] : declared;
    if (!accepted.includes(mediaType)) {
      throw new ProblemError(
        'unsupported-media-type',
        apiText('mediaTypeRefused', { accepted: declared.join(apiText('or')), mediaType, first: declared[0] }),
      );
    }
  });
}

export default fp(inputGuards, { name: 'input-guards', fastify: '5.x', dependencies: ['problem-details'] });
