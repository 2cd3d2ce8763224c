/**
 * Who may do what to a task. Checked by the API before an update is sent so that a refusal costs
 * no Temporal round trip; the workflow's validators check the same rules again.
 *
 * staff  — acts on tasks its agency leads; reports progress on tasks it leads or supports.
 * leader — reads everything; confirms, returns, decides extensions, pauses and resumes; may also
 *          note progress (the tracking office records what it hears at weekly meetings).
 * admin  — everything, including back-dated completions, applying plans and managing tokens.
 */
import { ProblemError } from './problem';
import type { Principal } from './plugins/auth';
import { apiText } from '../i18n';

export type TaskWrite = 'complete' | 'progress' | 'extension-request' | 'confirm' | 'return' | 'extension-decision' | 'pause' | 'resume';

const LEADER_WRITES: readonly TaskWrite[] = ['confirm', 'return', 'extension-decision', 'pause', 'resume'];

export function assertMayWrite(principal: Principal, write: TaskWrite, task: { lead: string; support: string[]; key: string }): void {
  if (principal.role === 'admin') return;
  if (write === 'progress' && principal.role === 'leader') return;
  if (LEADER_WRITES.includes(write)) {
    if (principal.role !== 'leader') {
      throw new ProblemError('forbidden', apiText('leaderOnly', { what: apiText(`write.${write}`) }));
    }
    return;
  }
  if (principal.role !== 'staff') {
    throw new ProblemError('forbidden', apiText('staffOnly', { what: apiText(`write.${write}`) }));
  }
  const agency = principal.agency;
  const allowed = write === 'progress' ? agency === task.lead || (agency !== undefined && task.support.includes(agency)) : agency === task.lead;
  if (!allowed) {
    throw new ProblemError(
      'forbidden',
      apiText(write === 'progress' ? 'notYourTaskProgress' : 'notYourTask', {
        task: task.key,
        agency: agency ?? apiText('noAgency'),
        lead: task.lead,
        what: apiText(`write.${write}`),
      }),
    );
  }
}
