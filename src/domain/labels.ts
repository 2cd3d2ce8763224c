/**
 * The Vietnamese words every output uses for where a task stands: the QĐ 42/2014 reporting terms
 * (Đã hoàn thành: đúng hạn / quá hạn; Chưa hoàn thành: trong hạn / quá hạn; Không thời hạn), plus
 * "Chờ xác nhận" for a completion the tracking office has not accepted yet. The CLI report, the
 * CSV and the API all take their words from here, so a reader sees one set of terms everywhere.
 */
import type { Category, DeadlineState, Progress } from './vocabulary';

/** The two QĐ 42 groups a category belongs to. */
export const CATEGORY_GROUP_LABELS = { done: 'Đã hoàn thành', open: 'Chưa hoàn thành' } as const;

export function categoryGroup(category: Category): keyof typeof CATEGORY_GROUP_LABELS | undefined {
  if (category === 'done_on_time' || category === 'done_late') return 'done';
  if (category === 'open_on_time' || category === 'open_overdue') return 'open';
  return undefined;
}

/** The column heading inside its group ("đúng hạn" under "Đã hoàn thành"); "Không thời hạn" stands alone. */
export const CATEGORY_SHORT_LABELS: Record<Category, string> = {
  done_on_time: 'đúng hạn',
  done_late: 'quá hạn',
  open_on_time: 'trong hạn',
  open_overdue: 'quá hạn',
  no_deadline: 'Không thời hạn',
};

/** The full term, as a heading or a cell on its own. */
export const CATEGORY_LABELS: Record<Category, string> = {
  done_on_time: 'Đã hoàn thành đúng hạn',
  done_late: 'Đã hoàn thành quá hạn',
  open_on_time: 'Chưa hoàn thành trong hạn',
  open_overdue: 'Chưa hoàn thành quá hạn',
  no_deadline: 'Không thời hạn',
};

export const AWAITING_CONFIRMATION_LABEL = 'Chờ xác nhận';

export const PROGRESS_LABELS: Record<Progress, string> = {
  not_started: 'Chưa bắt đầu',
  in_progress: 'Đang thực hiện',
  awaiting_confirmation: AWAITING_CONFIRMATION_LABEL,
  done: 'Đã hoàn thành',
  returned: 'Bị trả lại',
  paused: 'Tạm dừng',
  cancelled: 'Đã huỷ',
};

export const DEADLINE_STATE_LABELS: Record<DeadlineState, string> = {
  no_deadline: 'Không thời hạn',
  waiting: 'Chờ nhiệm vụ trước',
  on_track: 'Trong hạn',
  due_soon: 'Sắp đến hạn',
  overdue: 'Quá hạn',
};

/** Report headings beside the categories. */
export const REPORT_LABELS = {
  agency: 'Cơ quan',
  total: 'Tổng số',
  percentDone: 'Tỷ lệ hoàn thành (%)',
  grandTotal: 'Tổng cộng',
  /** "Of which": figures already counted in the columns before them. */
  ofWhich: 'Trong đó',
  awaitingConfirmation: AWAITING_CONFIRMATION_LABEL,
  dueSoon: 'Sắp đến hạn',
  waiting: 'Chờ nhiệm vụ trước',
  paused: 'Tạm dừng',
} as const;
