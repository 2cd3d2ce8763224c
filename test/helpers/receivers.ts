/**
 * The receiving ends of notifications for tests: a local HTTP endpoint that verifies Standard
 * Webhooks signatures with the `standardwebhooks` library, and a reader of the `.eml` files the
 * mail catcher keeps (parsed with mailparser).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  /** The payload as verified by the standardwebhooks library; undefined when verification failed. */
  verified?: Record<string, unknown>;
  status: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Requests that arrived, answered or not yet (held by `delayMs`). */
  arrived(): number;
  /** Distinct webhook-ids answered with 2xx. */
  deliveredIds(): Set<string>;
  close(): Promise<void>;
}

export interface WebhookReceiverOptions {
  secret: string;
  /** The status to answer request number `n` (1-based) with; 204 by default. */
  status?: (n: number) => number;
  /** Holds every request this long before answering (deliveries in flight). */
  delayMs?: number;
}

export async function startWebhookReceiver(options: WebhookReceiverOptions): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let arrived = 0;
  const verifier = new Webhook(options.secret);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      arrived += 1;
      const body = Buffer.concat(chunks).toString('utf8');
      let verified: Record<string, unknown> | undefined;
      try {
        verified = verifier.verify(body, req.headers as Record<string, string>) as Record<string, unknown>;
      } catch {
        verified = undefined;
      }
      const status = verified ? (options.status?.(received.length + 1) ?? 204) : 401;
      const entry: ReceivedWebhook = { headers: req.headers, body, verified, status };
      setTimeout(() => {
        received.push(entry);
        res.statusCode = status;
        res.end();
      }, options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hooks/kehoach`,
    received,
    arrived: () => arrived,
    deliveredIds: () => new Set(received.filter((r) => r.status < 300).map((r) => String(r.headers['webhook-id']))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every message the mail catcher kept in `dir`, parsed, oldest first. */
export async function readMailbox(dir: string): Promise<ParsedMail[]> {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((name) => name.endsWith('.eml'))
      .sort();
  } catch {
    return [];
  }
  return Promise.all(files.map((name) => simpleParser(readFileSync(path.join(dir, name)))));
}
