/**
 * The two ways a message leaves kehoach: e-mail over SMTP (nodemailer) and webhooks signed per the
 * Standard Webhooks specification (`standardwebhooks`). Each sender sends one message and throws
 * a DeliveryError on failure; `permanent` says retrying cannot help (an SMTP 5xx, an HTTP 410,
 * no signing secret).
 */
import nodemailer from 'nodemailer';
import { Webhook } from 'standardwebhooks';

export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    message: string,
    readonly permanent: boolean,
    /** What failed, for the reason shown to people: an HTTP status, an unreachable endpoint, an SMTP refusal. */
    readonly code: 'status' | 'unreachable' | 'smtp',
    readonly detail: string,
  ) {
    super(message);
  }
}

export interface EmailMessage {
  to: { address: string; name?: string };
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** The delivery or summary key, in a header for people tracing a message. */
  key: string;
}

export interface EmailSender {
  send(message: EmailMessage): Promise<{ response: string }>;
  close(): void;
}

/** An SMTP sender for `smtpUrl` (smtp://user:pass@host:port, smtps:// for TLS), from `from`. */
export function createEmailSender(smtpUrl: string, from: string): EmailSender {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(message) {
      try {
        const info = await transport.sendMail({
          from,
          to: message.to.name ? { name: message.to.name, address: message.to.address } : message.to.address,
          subject: message.subject,
          text: message.text,
          html: message.html,
          messageId: message.messageId,
          headers: { 'X-Kehoach-Key': message.key },
        });
        return { response: String(info.response ?? '') };
      } catch (error) {
        const code = (error as { responseCode?: unknown }).responseCode;
        // 5xx: the server refused this message for good (unknown mailbox, policy); 4xx and network errors may pass later.
        const permanent = typeof code === 'number' && code >= 500 && code < 600;
        const network = typeof code !== 'number';
        throw new DeliveryError((error as Error).message, permanent, network ? 'unreachable' : 'smtp', (error as Error).message);
      }
    },
    close: () => transport.close(),
  };
}

export interface WebhookMessage {
  url: string;
  /** The `webhook-id`: the same on every attempt, so the receiver can drop a repeat. */
  id: string;
  body: string;
  timestamp: Date;
}

export interface WebhookSecrets {
  /** The signing secret (`whsec_…`) for an endpoint, or undefined. */
  secretFor(url: string): string | undefined;
}

/** Secrets by endpoint URL (exact, then its origin), then the default one. */
export function webhookSecrets(byEndpoint: Record<string, string>, fallback?: string): WebhookSecrets {
  return {
    secretFor(url) {
      if (byEndpoint[url]) return byEndpoint[url];
      try {
        const origin = new URL(url).origin;
        if (byEndpoint[origin]) return byEndpoint[origin];
      } catch {
        // not a URL: only the default can apply
      }
      return fallback;
    },
  };
}

/** Posts a signed webhook; resolves on any 2xx. */
export async function sendWebhook(message: WebhookMessage, secret: string, timeoutMs = 15_000): Promise<{ status: number }> {
  const signature = new Webhook(secret).sign(message.id, message.timestamp, message.body);
  let response: Response;
  try {
    response = await fetch(message.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': message.id,
        'webhook-timestamp': String(Math.floor(message.timestamp.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body: message.body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    const reason = cause ?? (error as Error).message;
    throw new DeliveryError(`unreachable: ${reason}`, false, 'unreachable', reason);
  }
  await response.arrayBuffer().catch(() => undefined);
  if (response.status >= 200 && response.status < 300) return { status: response.status };
  // 410 Gone: the receiver says the endpoint is gone for good (the specification's signal to stop).
  throw new DeliveryError(`HTTP ${response.status}`, response.status === 410, 'status', String(response.status));
}
