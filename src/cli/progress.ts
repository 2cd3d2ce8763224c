/**
 * The progress bar `kehoach apply` shows while a plan version's task workflows are started,
 * amended and cancelled. On a terminal it redraws one line on stderr; elsewhere (a log, CI) it
 * writes a line at each tenth of the way, so a log stays short. An apply found finished at the
 * first look shows nothing.
 */
import type { ReconciliationStatus } from '../domain';
import type { Translate } from '../i18n';

const WIDTH = 30;

export function progressLine(t: Translate, status: ReconciliationStatus): string {
  const done = status.started + status.amended + status.cancelled;
  const filled = status.total === 0 ? WIDTH : Math.round((done / status.total) * WIDTH);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}]`;
  let line = t('apply:progress.line', { planId: status.planId, version: status.version, bar, done, total: status.total });
  if (status.errors > 0) line += t('apply:progress.errors', { count: status.errors });
  if (status.lastError) line += t('apply:progress.retrying', { message: status.lastError });
  return line;
}

export function progressBar(
  t: Translate,
  stream: { isTTY?: boolean; write(text: string): unknown } = process.stderr,
): (status: ReconciliationStatus) => void {
  let lastTenth = -1;
  let drawn = false;
  return (status) => {
    const done = status.started + status.amended + status.cancelled;
    if (status.finishedAt) {
      // An apply that was done at the first look needs no bar: the command's own line says it.
      if (!drawn) return;
      if (stream.isTTY) stream.write('\r\x1b[K');
      stream.write(
        `${t('apply:progress.finished', {
          planId: status.planId,
          version: status.version,
          total: status.total,
          started: status.started,
          amended: status.amended,
          cancelled: status.cancelled,
        })}\n`,
      );
      return;
    }
    if (stream.isTTY) {
      stream.write(`\r\x1b[K${progressLine(t, status)}`);
      drawn = true;
      return;
    }
    drawn = true;
    const tenth = status.total === 0 ? 10 : Math.floor((done / status.total) * 10);
    if (tenth === lastTenth) return;
    lastTenth = tenth;
    stream.write(`${progressLine(t, status)}\n`);
  };
}
