/**
 * Notification delivery put together from the configuration: the e-mail sender, the webhook
 * secrets, the delivery activities and the dispatcher that the projection calls.
 */
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Database } from '../db/client';
import type { DeliveryActivities } from '../domain';
import { createDeliveryActivities, createDispatcher, type DeliveryDeps, type Dispatcher } from './activities';
import { createEmailSender, webhookSecrets } from './transport';

export interface Notifier {
  activities: DeliveryActivities;
  dispatcher: Dispatcher;
  close(): void;
}

export function createNotifier(
  notify: Config['notify'] & { smtpUrl: string },
  db: Database,
  client: Client,
  overrides: Partial<Pick<DeliveryDeps, 'retry' | 'summaryCollectMs' | 'taskQueue' | 'now'>> = {},
): Notifier {
  const email = createEmailSender(notify.smtpUrl, notify.mailFrom);
  const deps: DeliveryDeps = {
    db,
    client,
    email,
    webhooks: webhookSecrets(notify.webhookSecrets, notify.webhookSecret),
    publicUrl: notify.publicUrl,
    messageIdDomain: messageIdDomain(notify.mailFrom),
    ...overrides,
  };
  return { activities: createDeliveryActivities(deps), dispatcher: createDispatcher(deps), close: () => email.close() };
}

/** The domain of the sender's address, for Message-IDs ("kehoach.local" when it has none). */
export function messageIdDomain(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return match?.[1] ?? 'kehoach.local';
}
