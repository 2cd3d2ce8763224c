/** Notifications: the e-mails and webhook texts reminders, escalations and summaries carry. */
export const notify = {
  /** The deadline as a phrase after "hạn": "17:00 ngày 18/11/2022", or "ngày 18/11/2022" for a date deadline. */
  deadline: {
    date: 'ngày {{date}}',
    dateTime: '{{time}} ngày {{date}}',
  },
  duration: {
    days_other: '{{count}} ngày',
    hours_other: '{{count}} giờ',
    minutes_other: '{{count}} phút',
  },
  overdue: {
    none: 'đã quá hạn',
    days_other: 'đã quá hạn {{count}} ngày làm việc',
  },
  reminder: {
    tag: 'Nhắc hạn',
    subject: '[Nhắc hạn] {{plan}}: nhiệm vụ «{{task}}» đến hạn {{deadline}}',
    opening:
      'Theo Kế hoạch số {{plan}} ({{planTitle}}), nhiệm vụ «{{task}}» do {{lead}} chủ trì có thời hạn hoàn thành {{deadline}} (còn {{remaining}}).',
    request: 'Đề nghị {{lead}} khẩn trương hoàn thành và báo cáo kết quả đúng hạn.',
  },
  escalation: {
    subject: '[{{action}}] {{plan}}: nhiệm vụ «{{task}}» {{overdue}} (hạn {{deadline}})',
    opening:
      'Theo Kế hoạch số {{plan}} ({{planTitle}}), nhiệm vụ «{{task}}» do {{lead}} chủ trì có thời hạn hoàn thành {{deadline}}, đến nay {{overdue}} nhưng chưa hoàn thành.',
    action: 'Nội dung: {{action}} (cấp {{level}}).',
    requestLead:
      'Đề nghị {{lead}} khẩn trương hoàn thành, báo cáo kết quả; nếu chưa hoàn thành được, giải trình rõ nguyên nhân và thời hạn hoàn thành.',
    requestOversight: 'Kính báo cáo {{recipient}} để theo dõi, chỉ đạo {{lead}} khẩn trương hoàn thành.',
  },
  greeting: 'Kính gửi: {{recipient}}.',
  unit: 'Đơn vị thực hiện: {{unit}}.',
  output: 'Sản phẩm: {{output}}.',
  link: 'Xem chi tiết nhiệm vụ: {{link}}',
  catchUp:
    'Ghi chú: mốc này đã qua khi thông báo được lập (kế hoạch được áp dụng, hoặc thời hạn thay đổi, sau thời điểm đó); thông báo này thay cho các thông báo của những mốc đã qua.',
  catchUpSkipped: 'Không gửi: kế hoạch quy định không gửi thông báo bù cho các mốc đã qua (notify.catchUp: none).',
  signature: 'Hệ thống theo dõi, đôn đốc thực hiện kế hoạch (thư gửi tự động, đề nghị không trả lời thư này).',
  summary: {
    subject_other: '[Tổng hợp] {{plan}}: {{count}} nhiệm vụ đã qua mốc nhắc hạn, đôn đốc',
    opening_other:
      'Khi Kế hoạch số {{plan}} ({{planTitle}}) được đưa vào theo dõi, {{count}} nhiệm vụ dưới đây đã qua mốc nhắc hạn hoặc đôn đốc. Thay cho từng thông báo riêng, hệ thống gửi bản tổng hợp này:',
    itemReminder: '{{index}}. «{{task}}», chủ trì: {{lead}}; hạn {{deadline}}: {{tag}}.',
    itemEscalation: '{{index}}. «{{task}}», chủ trì: {{lead}}; hạn {{deadline}}, {{overdue}}: {{action}} (cấp {{level}}).',
    request: 'Đề nghị {{recipient}} rà soát, chỉ đạo hoàn thành các nhiệm vụ trên và báo cáo kết quả.',
  },
  digest: {
    subjectDaily: '[Tổng hợp hằng ngày] {{plan}}: {{overdue}} nhiệm vụ quá hạn, {{dueSoon}} nhiệm vụ sắp đến hạn',
    subjectWeekly: '[Tổng hợp tuần] {{plan}}: {{overdue}} nhiệm vụ quá hạn, {{dueSoon}} nhiệm vụ sắp đến hạn',
    subjectGiaoBan: '[Giao ban tuần] {{plan}}: tình hình thực hiện đến ngày {{date}}',
    opening: 'Tình hình các nhiệm vụ của Kế hoạch số {{plan}} ({{planTitle}}) đến {{time}} ngày {{date}}:',
    openingGiaoBan: 'Phục vụ giao ban tuần, tình hình thực hiện Kế hoạch số {{plan}} ({{planTitle}}) đến {{time}} ngày {{date}}:',
    overdueHeading: 'Nhiệm vụ quá hạn (quá hạn lâu nhất trước):',
    dueSoonHeading: 'Nhiệm vụ sắp đến hạn:',
    none: 'Không có nhiệm vụ quá hạn hoặc sắp đến hạn.',
    itemOverdue: '{{index}}. «{{task}}», chủ trì: {{lead}}; hạn {{deadline}}, {{overdue}}.',
    itemDueSoon: '{{index}}. «{{task}}», chủ trì: {{lead}}; hạn {{deadline}}.',
    countsHeading: 'Số liệu theo cơ quan chủ trì:',
    countsRow:
      '- {{agency}}: tổng số {{total}}; đã hoàn thành đúng hạn {{doneOnTime}}, quá hạn {{doneLate}}; chưa hoàn thành trong hạn {{openOnTime}}, quá hạn {{openOverdue}}; không thời hạn {{noDeadline}}.',
    totalName: 'Toàn kế hoạch',
    changesHeading: 'Thay đổi từ ngày {{since}}:',
    changeCompleted: '- «{{task}}» ({{lead}}): báo cáo hoàn thành ngày {{date}}.',
    changeOverdue: '- «{{task}}» ({{lead}}): chuyển quá hạn ngày {{date}}.',
    noChanges: 'Không có nhiệm vụ hoàn thành hoặc chuyển quá hạn trong tuần.',
  },
  recipient: {
    leadStaff: 'Cán bộ theo dõi của {{agency}}',
    leadHead: 'Thủ trưởng {{agency}}',
    standingOffice: 'Cơ quan thường trực Tổ công tác',
    chair: 'Tổ trưởng Tổ công tác',
  },
  missingContact: '{{target}} chưa có địa chỉ liên hệ trong kế hoạch: bổ sung contacts cho cơ quan này rồi áp dụng lại kế hoạch.',
  error: {
    noSecret: 'Chưa có khoá ký cho webhook {{address}}: đặt KEHOACH_WEBHOOK_SECRETS (hoặc KEHOACH_WEBHOOK_SECRET) rồi khởi động lại worker.',
    status: 'Webhook {{address}} trả lời HTTP {{status}}.',
    unreachable: 'Không kết nối được tới {{address}}: {{reason}}',
    smtp: 'Máy chủ thư từ chối: {{reason}}',
    gaveUp_other: 'Đã thử {{count}} lần, không gửi được: {{reason}}',
  },
};
