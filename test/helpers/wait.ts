/**
 * Waiting in tests for what happens asynchronously (a workflow's answer, a record, a delivery) by
 * polling, never by sleeping a fixed time, and plan ids that no other test uses.
 */

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value other than undefined/false; fails after `timeoutMs`, naming `what`. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
  what = 'condition',
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(intervalMs);
  }
}

/**
 * Reads until `accept` takes what was read, or until `timeoutMs`, and returns the last read either
 * way: the test's own assertions on it then say what was there instead of a bare timeout.
 */
export async function lastRead<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  let last = await read();
  if (accept(last)) return last;
  // Running out of time is not this helper's failure to report: the caller asserts on `last`.
  await eventually(async () => accept((last = await read())), timeoutMs, 'an accepted read', 200).catch(() => undefined);
  return last;
}

let counter = 0;
/** A fresh plan id per test (an ASCII slug, short enough for workflow ids), so ids never collide across tests or runs. */
export function freshPlanId(prefix = 'kh'): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}
