/** Applying plans: the CLI's progress while task workflows start, what --direct needs, and the API's reconciliation answers. */
export const apply = {
  progress: {
    line: 'Kế hoạch {{planId}}, phiên bản {{version}}: {{bar}} {{done}}/{{total}} nhiệm vụ',
    errors: '; {{count}} nhiệm vụ từ chối thay đổi',
    retrying: '; đang thử lại sau lỗi: {{message}}',
    finished:
      'Kế hoạch {{planId}}, phiên bản {{version}}: đã xử lý xong {{total}} nhiệm vụ (khởi tạo {{started}}, cập nhật {{amended}}, huỷ {{cancelled}}).',
  },
  reconciliation: {
    notFound: 'Kế hoạch "{{planId}}" chưa được áp dụng lần nào.',
  },
  /** `kehoach diff --help` and `kehoach apply --help`. */
  usage: {
    transport: [
      '',
      'Đi đường nào: qua API của kehoach (KEHOACH_URL, mặc định http://127.0.0.1:$PORT; token lấy từ',
      'KEHOACH_TOKEN, nếu không có thì từ <KEHOACH_DATA_DIR>/admin.token do `kehoach up` ghi). Với --direct, hoặc khi',
      'đặt TEMPORAL_ADDRESS mà không đặt KEHOACH_URL, đi thẳng tới Temporal (không cần tiến trình API).',
      '',
      'Tuỳ chọn:',
      '  --direct   làm việc trực tiếp với Temporal (TEMPORAL_ADDRESS, mặc định 127.0.0.1:7233) thay vì API',
    ].join('\n'),
    diff: [
      'Cách dùng: kehoach diff [tệp hoặc thư mục…]   (mặc định: plans/)',
      '',
      'Cho biết áp dụng các kế hoạch sẽ thay đổi gì: nhiệm vụ thêm, sửa (từng trường) và bỏ.',
      'Mã thoát: 0 không có thay đổi, 1 có thay đổi, 2 trở lên khi có lỗi (kế hoạch không hợp lệ, không',
      'kết nối được API hoặc Temporal, token không đủ quyền). Xem trước cần token quản trị hoặc lãnh đạo.',
    ].join('\n'),
    apply: [
      'Cách dùng: kehoach apply [tệp hoặc thư mục…]   (mặc định: plans/)',
      '',
      'Kiểm tra mọi tệp, rồi áp dụng từng kế hoạch: khởi tạo nhiệm vụ mới, cập nhật nhiệm vụ đã sửa,',
      'huỷ nhiệm vụ đã bỏ. Không áp dụng gì khi có tệp không hợp lệ (mã thoát 1). Áp dụng lại cùng nội',
      'dung không thay đổi gì. Commit git của tệp đã commit và không sửa được ghi lại.',
      'Mã thoát: 0 đã áp dụng (hoặc không có gì để thay đổi), 1 kế hoạch không hợp lệ, 2 lỗi khác (không',
      'kết nối được API hoặc Temporal, token không đủ quyền: áp dụng cần token quản trị).',
    ].join('\n'),
  },
  /** `kehoach diff` and `kehoach apply`: what changes, task by task and field by field. */
  diff: {
    none: 'Kế hoạch {{planId}}: không có thay đổi.',
    summary: 'Kế hoạch {{planId}}: {{added}} nhiệm vụ thêm, {{changed}} sửa, {{removed}} bỏ.',
    contentOnly: 'Kế hoạch {{planId}}: nội dung kế hoạch thay đổi, không nhiệm vụ nào thay đổi.',
    deadline: 'hạn {{deadline}}',
    deadlineAfterTask: 'hạn {{duration}} sau khi xong {{task}}',
    noDeadline: 'không thời hạn',
    absent: '(không có)',
    listAdded: 'thêm {{items}}',
    listRemoved: 'bớt {{items}}',
    listReordered: 'đổi thứ tự',
    /** A deadline with its time of day: "17:00 ngày 30/11/2022". */
    timeOfDay: '{{time}} ngày {{date}}',
  },
  result: {
    unchanged: 'Kế hoạch {{planId}}: phiên bản {{version}} đã được áp dụng, không có gì thay đổi.',
    applied: 'Kế hoạch {{planId}}: đã áp dụng phiên bản {{version}}{{commit}} — khởi tạo {{added}}, cập nhật {{changed}}, huỷ {{removed}} nhiệm vụ.',
    commit: ' (commit {{commit}})',
  },
  command: {
    nothingApplied: 'Chưa áp dụng gì.',
    nothingCompared: 'Chưa so sánh gì.',
    notFound: 'kehoach {{command}}: không tìm thấy {{paths}}. Hãy chỉ ra tệp hoặc thư mục kế hoạch có thật. {{nothing}}',
    noPlanFiles: 'kehoach {{command}}: không có tệp kế hoạch (*.yaml) trong {{paths}}. {{nothing}}',
    duplicateId: '{{file}}: mã kế hoạch "{{planId}}" cũng được dùng trong {{other}}; mỗi kế hoạch cần một mã riêng.',
    invalidFiles: 'kehoach {{command}}: có tệp kế hoạch bị lỗi (ở trên). {{nothing}}',
    apiFoundErrors: 'kehoach {{command}}: API tìm thấy lỗi trong {{file}} (ở trên). {{nothing}}',
  },
  direct: {
    databaseUrlMissing:
      '--direct lưu phiên bản kế hoạch vào cơ sở dữ liệu đọc trước: hãy đặt DATABASE_URL trỏ tới Postgres của nó (hoặc áp dụng qua API).',
  },
};
