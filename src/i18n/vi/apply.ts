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
  direct: {
    databaseUrlMissing:
      '--direct lưu phiên bản kế hoạch vào cơ sở dữ liệu đọc trước: hãy đặt DATABASE_URL trỏ tới Postgres của nó (hoặc áp dụng qua API).',
  },
};
