/**
 * Exactly once through a crash: a worker killed with SIGKILL while e-mails and webhooks are in
 * flight, then replaced. Every delivery ends sent, and the receivers (a mail catcher in its own
 * process, an HTTP endpoint verifying signatures) see each Message-ID and webhook-id they expect
 * and no other: a message resent after the kill carries the id of its first attempt.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { Client, Connection } from '@temporalio/client';
import { asc } from 'drizzle-orm';
import { createProjectionActivities } from '../../src/activities/projection';
import { deliveries } from '../../src/db/schema';
import type { NotificationRequest } from '../../src/domain';
import { createNotifier } from '../../src/notify';
import { messageIdFor, webhookIdFor } from '../../src/notify/ids';
import { deliveryWorkflowId } from '../../src/notify/rules';
import { startDevServer } from '../../src/temporal/dev-server';
import { bundleWorkflows } from '../../src/temporal/worker';
import { freePort } from '../helpers/ports';
import { withPostgres } from '../helpers/postgres';
import { change, event, planDocument, planVersion, taskState } from '../helpers/read-model';
import { readMailbox, startWebhookReceiver } from '../helpers/receivers';

const DEADLINE = '2022-11-30T17:00:00.000Z';
const TASKS = 12;
const secret = `whsec_${randomBytes(24).toString('base64')}`;

function startProcess(script: string, env: NodeJS.ProcessEnv, readyPattern: RegExp): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'helpers', script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
    if (process.env.KEHOACH_DEBUG) process.stderr.write(chunk);
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = readyPattern.exec(chunk.toString());
      if (match) resolve({ child, line: match[0] });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before it was ready: ${errors.slice(-2000)}`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

t.test('a worker killed with SIGKILL mid-delivery, then replaced: every delivery once', async (t) => {
  const pg = await withPostgres(t);
  const workDir = await mkdtemp(path.join(tmpdir(), 'kehoach-crash-'));
  t.teardown(() => rm(workDir, { recursive: true, force: true }));
  const mailDir = path.join(workDir, 'mail');

  const catcher = await startProcess('mail-catcher-process.ts', { MAIL_DIR: mailDir }, /listening (\d+)/);
  t.teardown(() => killed(catcher.child));
  const smtpUrl = `smtp://127.0.0.1:${catcher.line.split(' ')[1]}`;
  // Each webhook is held 1.5 s: the kill lands while several are in flight.
  const hook = await startWebhookReceiver({ secret, delayMs: 1500 });
  t.teardown(() => hook.close());

  const [server, bundle] = await Promise.all([startDevServer({ port: await freePort() }), bundleWorkflows()]);
  t.teardown(() => server.stop());
  const bundleFile = path.join(workDir, 'workflows.js');
  await writeFile(bundleFile, bundle.code);
  const connection = await Connection.connect({ address: server.address });
  t.teardown(() => connection.close());
  const client = new Client({ connection, namespace: server.namespace });

  const workerEnv = {
    TEMPORAL_ADDRESS: server.address,
    DATABASE_URL: pg.url,
    SMTP_URL: smtpUrl,
    WEBHOOK_SECRET: secret,
    WORKFLOW_BUNDLE: bundleFile,
  };
  const first = await startProcess('delivery-worker-process.ts', workerEnv, /ready/);
  t.teardown(() => killed(first.child));

  // The plan's head of the lead agency has an e-mail address and a webhook.
  const projection = createProjectionActivities(pg.db);
  await projection.recordPlanVersion(
    planVersion(
      1,
      planDocument({
        agencies: [
          {
            id: 'so-tu-phap',
            name: 'Sở Tư pháp',
            kind: 'department',
            contacts: [
              { role: 'head', channel: 'email', address: 'giamdoc@stp.example' },
              { role: 'head', channel: 'webhook', address: hook.url },
            ],
          },
        ],
      }),
    ),
  );
  // Dispatching from here, as the worker's own recordTaskChange would, with the worker's retry policy.
  const dispatcher = createNotifier(
    {
      smtpUrl,
      mailFrom: 'kehoach <kehoach@ubnd.example>',
      webhookSecrets: {},
      webhookSecret: secret,
      publicUrl: 'https://kehoach.example',
      catcherPort: 0,
    },
    pg.db,
    client,
    { retry: { maximumAttempts: 20, initialIntervalMs: 200, attemptTimeoutMs: 4000 } },
  );
  t.teardown(() => dispatcher.close());
  const keys: string[] = [];
  for (let i = 1; i <= TASKS; i++) {
    const state = taskState({ taskId: `t${i}` }, { seq: 2, progress: 'in_progress', deadlineAt: DEADLINE, updatedAt: '2022-12-05T02:00:00Z' });
    const request: NotificationRequest = {
      idempotencyKey: `${state.workflowId}:d1:l1`,
      workflowId: state.workflowId,
      planId: 'kh-test',
      taskId: state.taskId,
      kind: 'escalation',
      level: 1,
      deadlineVersion: 1,
      deadlineAt: DEADLINE,
      to: { kind: 'lead_head', agency: 'so-tu-phap' },
      action: 'Nhắc nhở',
      catchUp: false,
      at: '2022-12-05T02:00:00Z',
    };
    await projection.recordTaskChange(change(state, [event(state, 'escalation', request.at)], [request]));
    keys.push(request.idempotencyKey);
  }
  await dispatcher.dispatcher.dispatch(keys);

  // Wait until webhooks are in flight, then kill the worker without warning.
  const deadline = Date.now() + 30_000;
  while (hook.arrived() < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  t.ok(hook.arrived() >= 3, 'webhooks in flight');
  const answeredBeforeKill = hook.received.length;
  await killed(first.child);
  t.ok(answeredBeforeKill < TASKS, `killed with ${TASKS - answeredBeforeKill} webhooks not yet answered`);

  const second = await startProcess('delivery-worker-process.ts', workerEnv, /ready/);
  t.teardown(() => killed(second.child));

  const rows = await pg.db.select().from(deliveries).orderBy(asc(deliveries.id));
  t.equal(rows.length, TASKS * 2, 'one delivery per task and recipient');
  for (const row of rows) {
    const outcome = await client.workflow.getHandle(deliveryWorkflowId(row.key)).result();
    t.equal(outcome.state, 'sent', `${row.channel} for ${row.taskId} sent`);
  }

  const emailIds = rows.filter((row) => row.channel === 'email').map((row) => messageIdFor(row.key, 'ubnd.example'));
  const webhookIds = rows.filter((row) => row.channel === 'webhook').map((row) => webhookIdFor(row.key));
  const mails = await readMailbox(mailDir);
  const mailIds = new Set(mails.map((mail) => mail.messageId));
  t.same([...mailIds].sort(), [...emailIds].sort(), 'every e-mail arrived, by Message-ID, and no other');
  t.same([...hook.deliveredIds()].sort(), [...webhookIds].sort(), 'every webhook arrived, by webhook-id, and no other');
  t.ok(
    hook.received.every((received) => received.verified),
    'every webhook signed',
  );
  t.comment(
    `receivers saw ${mails.length} e-mails for ${mailIds.size} Message-IDs and ${hook.received.length} webhook requests for ${hook.deliveredIds().size} webhook-ids: ` +
      'a repeat is a message resent after the kill, with the id of its first attempt',
  );
  const after = await pg.db.select().from(deliveries);
  t.ok(
    after.every((row) => row.state === 'sent'),
    'every delivery recorded sent',
  );
});
