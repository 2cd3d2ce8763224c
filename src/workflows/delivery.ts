/**
 * Delivery workflows: one per delivery (`deliver:<key>`, started by the projection's dispatcher
 * with the delivery key as its id, so a delivery is started once however often it is dispatched)
 * and one per catch-up summary (`summary:<plan>><recipient>`, signalled with start by every
 * catch-up delivery of that recipient). They wait for the instant the delivery may go out
 * (working hours), then send through an activity whose retry policy is the whole retry logic:
 * there is no polling loop. After the last attempt the delivery is recorded `dead`, with why.
 */
import { ActivityFailure, condition, defineSignal, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { DeliveryActivities, DeliveryOutcome } from '../domain';

export interface DeliveryRetry {
  /** Attempts before the delivery is dead (default 10: about 17 hours with the default backoff). */
  maximumAttempts?: number;
  /** Wait before the second attempt, in ms (default 30 s); doubles each time, up to 4 hours. */
  initialIntervalMs?: number;
  /** How long one attempt may take before it counts as lost (a worker killed mid-send), in ms (default 1 minute). */
  attemptTimeoutMs?: number;
}

export interface DeliveryWorkflowInput {
  key: string;
  /** ISO instant before which nothing is sent (working hours). */
  sendAfter: string;
  retry?: DeliveryRetry;
}

export interface SummaryWorkflowInput {
  summaryKey: string;
  /** How long to collect catch-up deliveries after the last one arrived, in ms. */
  collectMs: number;
  sendAfter: string;
  retry?: DeliveryRetry;
}

/** One run of a contact's digest schedule. */
export interface DigestInput {
  planId: string;
  recipient: { channel: 'email' | 'webhook'; address: string; name?: string };
  every: 'daily' | 'weekly';
  /** The standing office's weekly digest: the giao ban summary. */
  giaoBan: boolean;
}

/** Sent by the dispatcher (with start) for every catch-up delivery that joins a summary. */
export const summaryJoined = defineSignal<[{ sendAfter: string }]>('summaryJoined');

function senders(retry: DeliveryRetry | undefined) {
  const sending = proxyActivities<DeliveryActivities>({
    // An SMTP conversation or a webhook call; a worker killed mid-call is noticed after this.
    startToCloseTimeout: retry?.attemptTimeoutMs ?? 60_000,
    retry: {
      initialInterval: retry?.initialIntervalMs ?? 30_000,
      backoffCoefficient: 2,
      maximumInterval: '4 hours',
      maximumAttempts: retry?.maximumAttempts ?? 10,
      nonRetryableErrorTypes: ['PermanentDeliveryFailure'],
    },
  });
  // Recording a dead delivery is a database write: retried until the database answers.
  const recording = proxyActivities<DeliveryActivities>({
    startToCloseTimeout: '10 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  });
  return { deliver: sending.deliver, deliverSummary: sending.deliverSummary, markDead: recording.markDead };
}

function reasonOf(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

async function waitUntil(instant: string): Promise<void> {
  const wait = Date.parse(instant) - Date.now();
  if (wait > 0) await sleep(wait);
}

export async function deliveryWorkflow(input: DeliveryWorkflowInput): Promise<DeliveryOutcome> {
  const { deliver, markDead } = senders(input.retry);
  await waitUntil(input.sendAfter);
  try {
    return await deliver({ key: input.key });
  } catch (error) {
    await markDead({ key: input.key, reason: reasonOf(error), attempts: input.retry?.maximumAttempts ?? 10 });
    return { state: 'dead' };
  }
}

/** Run by a digest's Temporal Schedule: one digest, retried as a delivery is. */
export async function digestWorkflow(input: DigestInput): Promise<{ sent: boolean }> {
  const { sendDigest } = proxyActivities<DeliveryActivities>({
    startToCloseTimeout: '2 minutes',
    retry: { initialInterval: '30 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes', maximumAttempts: 8 },
  });
  const result = await sendDigest(input);
  return { sent: result.sent };
}

export async function summaryWorkflow(input: SummaryWorkflowInput): Promise<{ sent: number; dead: number }> {
  const { deliverSummary, markDead } = senders(input.retry);
  let joined = 0;
  let sendAfter = input.sendAfter;
  setHandler(summaryJoined, (signal) => {
    joined += 1;
    if (Date.parse(signal.sendAfter) < Date.parse(sendAfter)) sendAfter = signal.sendAfter;
  });
  let sent = 0;
  let dead = 0;
  // Collect until no delivery has joined for `collectMs`, send, and go round again if more joined meanwhile.
  for (;;) {
    let seen = joined;
    while (await condition(() => joined !== seen, input.collectMs)) seen = joined;
    await waitUntil(sendAfter);
    try {
      sent += (await deliverSummary({ summaryKey: input.summaryKey })).sent;
    } catch (error) {
      await markDead({ summaryKey: input.summaryKey, reason: reasonOf(error), attempts: input.retry?.maximumAttempts ?? 10 });
      dead += 1;
    }
    if (joined === seen) break;
  }
  return { sent, dead };
}
