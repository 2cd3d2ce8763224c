/** The error handler on its own: known errors keep their meaning, unknown ones never leak. */
import Fastify from 'fastify';
import t from 'tap';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import * as z from 'zod';
import problemDetails from '../../../src/api/plugins/problem-details';
import { ProblemError, problemResponse } from '../../../src/api/problem';

async function build() {
  const app = Fastify({ logger: false, bodyLimit: 100 });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(problemDetails);
  app.get('/boom', async () => {
    throw new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2');
  });
  app.get('/busy', { schema: { response: { 503: problemResponse('busy') } } }, async () => {
    throw new ProblemError('upstream-unavailable', 'Temporal hiện không phản hồi.', { retryAfter: 7 });
  });
  app.get('/db-down', async () => {
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  });
  app.post('/echo', { schema: { body: z.strictObject({ name: z.string() }) } }, async (request) => request.body);
  return app;
}

t.test('an unexpected error is a generic 500 that names the request, not the cause', async (t) => {
  const app = await build();
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/boom' });
  t.equal(res.statusCode, 500);
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
  const body = res.json();
  t.match(body, { type: 'https://kehoach.dev/problems/internal', status: 500, title: String, instance: /^\/boom#/ });
  t.notMatch(res.payload, /ECONNREFUSED|10\.0\.0\.5|hunter2|at /);
});

t.test('a 503 problem carries Retry-After', async (t) => {
  const app = await build();
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/busy' });
  t.equal(res.statusCode, 503);
  t.equal(res.headers['retry-after'], '7');
  t.match(res.json(), { type: 'https://kehoach.dev/problems/upstream-unavailable', detail: 'Temporal hiện không phản hồi.' });
});

t.test('a database that cannot be reached is 503, not a bug', async (t) => {
  const app = await build();
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/db-down' });
  t.equal(res.statusCode, 503);
  t.ok(res.headers['retry-after']);
  t.match(res.json(), { type: 'https://kehoach.dev/problems/upstream-unavailable' });
  t.notMatch(res.payload, /5432/);
});

t.test('bad bodies: unknown fields, broken JSON, too large, wrong media type', async (t) => {
  const app = await build();
  t.teardown(() => app.close());
  const unknown = await app.inject({ method: 'POST', url: '/echo', payload: { name: 'a', admin: true } });
  t.equal(unknown.statusCode, 400);
  t.match(unknown.json(), { type: 'https://kehoach.dev/problems/validation', errors: [{ message: /admin/ }] });

  const broken = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{"name":' });
  t.equal(broken.statusCode, 400);
  t.match(broken.json(), { type: 'https://kehoach.dev/problems/validation' });

  const large = await app.inject({ method: 'POST', url: '/echo', payload: { name: 'x'.repeat(200) } });
  t.equal(large.statusCode, 413);
  t.match(large.json(), { type: 'https://kehoach.dev/problems/payload-too-large' });

  const media = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/xml' }, payload: '<a/>' });
  t.equal(media.statusCode, 415);

  const missing = await app.inject({ method: 'GET', url: '/khong-co' });
  t.equal(missing.statusCode, 404);
  t.match(missing.json(), { type: 'https://kehoach.dev/problems/not-found' });
});
