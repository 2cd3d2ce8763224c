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

export type TaskWrite = 'complete' | 'progress' | 'extension-request' | 'confirm' | 'return' | 'extension-decision' | 'pause' | 'resume';

const WHAT: Record<TaskWrite, string> = {
  complete: 'báo cáo hoàn thành nhiệm vụ',
  progress: 'báo cáo tiến độ',
  'extension-request': 'đề nghị gia hạn',
  confirm: 'xác nhận hoàn thành',
  return: 'trả lại nhiệm vụ',
  'extension-decision': 'quyết định gia hạn',
  pause: 'tạm dừng nhiệm vụ',
  resume: 'tiếp tục nhiệm vụ',
};

const LEADER_WRITES: readonly TaskWrite[] = ['confirm', 'return', 'extension-decision', 'pause', 'resume'];

export function assertMayWrite(principal: Principal, write: TaskWrite, task: { lead: string; support: string[]; key: string }): void {
  if (principal.role === 'admin') return;
  if (write === 'progress' && principal.role === 'leader') return;
  if (LEADER_WRITES.includes(write)) {
    if (principal.role !== 'leader') {
      throw new ProblemError('forbidden', `Chỉ lãnh đạo (vai trò "leader") hoặc quản trị viên được ${WHAT[write]}.`);
    }
    return;
  }
  if (principal.role !== 'staff') {
    throw new ProblemError('forbidden', `Chỉ cán bộ (vai trò "staff") của cơ quan chủ trì được ${WHAT[write]}.`);
  }
  const agency = principal.agency;
  const allowed = write === 'progress' ? agency === task.lead || (agency !== undefined && task.support.includes(agency)) : agency === task.lead;
  if (!allowed) {
    const who = write === 'progress' ? `cơ quan chủ trì (${task.lead}) hoặc cơ quan phối hợp` : `cơ quan chủ trì (${task.lead})`;
    throw new ProblemError('forbidden', `Nhiệm vụ ${task.key} không thuộc cơ quan ${agency ?? '(không có)'}: chỉ ${who} được ${WHAT[write]}.`);
  }
}
