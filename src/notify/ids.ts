/** The ids receivers deduplicate by, derived from a delivery's key (Node's crypto: not for workflow code). */
import { createHash } from 'node:crypto';

const digest = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 40);

/** The e-mail Message-ID of a delivery or a summary: the same on every attempt, so a receiver can drop a repeat. */
export function messageIdFor(key: string, domain: string): string {
  return `<${digest(key)}@${domain}>`;
}

/** The Standard Webhooks `webhook-id` of a delivery or a summary: the same on every attempt. */
export function webhookIdFor(key: string): string {
  return `msg_${digest(key)}`;
}
