/**
 * The words every output uses for where a task stands: the QĐ 42/2014 reporting terms (Đã hoàn
 * thành: đúng hạn / quá hạn; Chưa hoàn thành: trong hạn / quá hạn; Không thời hạn), plus "Chờ xác
 * nhận" for a completion the tracking office has not accepted yet. The CLI report, the CSV, the API
 * and the pages all take their words from here, so a reader sees one set of terms everywhere.
 */
export const labels = {
  /** The two QĐ 42 groups a category belongs to. */
  categoryGroup: { done: 'Đã hoàn thành', open: 'Chưa hoàn thành' },
  /** The column heading inside its group ("đúng hạn" under "Đã hoàn thành"); "Không thời hạn" stands alone. */
  categoryShort: {
    done_on_time: 'đúng hạn',
    done_late: 'quá hạn',
    open_on_time: 'trong hạn',
    open_overdue: 'quá hạn',
    no_deadline: 'Không thời hạn',
  },
  /** The full term, as a heading or a cell on its own. */
  category: {
    done_on_time: 'Đã hoàn thành đúng hạn',
    done_late: 'Đã hoàn thành quá hạn',
    open_on_time: 'Chưa hoàn thành trong hạn',
    open_overdue: 'Chưa hoàn thành quá hạn',
    no_deadline: 'Không thời hạn',
  },
  progress: {
    not_started: 'Chưa bắt đầu',
    in_progress: 'Đang thực hiện',
    awaiting_confirmation: 'Chờ xác nhận',
    done: 'Đã hoàn thành',
    returned: 'Bị trả lại',
    paused: 'Tạm dừng',
    cancelled: 'Đã huỷ',
  },
  deadlineState: {
    no_deadline: 'Không thời hạn',
    waiting: 'Chờ nhiệm vụ trước',
    on_track: 'Trong hạn',
    due_soon: 'Sắp đến hạn',
    overdue: 'Quá hạn',
  },
  /** Report headings beside the categories. */
  report: {
    agency: 'Cơ quan',
    total: 'Tổng số',
    percentDone: 'Tỷ lệ hoàn thành (%)',
    grandTotal: 'Tổng cộng',
    /** "Of which": figures already counted in the columns before them. */
    ofWhich: 'Trong đó',
    awaitingConfirmation: 'Chờ xác nhận',
    dueSoon: 'Sắp đến hạn',
    waiting: 'Chờ nhiệm vụ trước',
    paused: 'Tạm dừng',
    title: 'Kế hoạch {{plan}}: tình hình đến hết ngày {{date}}',
  },
};
