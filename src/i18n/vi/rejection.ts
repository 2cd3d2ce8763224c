/**
 * Why a write to a task was refused (src/domain/permissions.ts names the key and its values; the
 * API words it). Values are already formatted: dates dd/mm/yyyy, task keys, agency ids.
 */
export const rejection = {
  cancelled: 'Nhiệm vụ {{task}} đã bị huỷ khỏi kế hoạch; không thể cập nhật.',
  backdatedCompletionAdminOnly: 'Chỉ quản trị viên được ghi ngày hoàn thành trong quá khứ ({{field}}); bỏ trường này để ghi thời điểm hiện tại.',
  backdatedConfirmationAdminOnly: 'Chỉ quản trị viên được ghi ngày xác nhận trong quá khứ ({{field}}); bỏ trường này để ghi thời điểm hiện tại.',
  invalidInstant: '{{field}} "{{value}}" không phải thời điểm hợp lệ; hãy viết theo ISO 8601, ví dụ {{example}}.',
  instantInFuture: '{{field}} không được ở tương lai.',
  reportOnMembers:
    'Nhiệm vụ {{task}} được thực hiện theo từng đơn vị hoặc từng kỳ ({{count}} bản); hãy cập nhật ở bản của từng đơn vị, ví dụ {{example}}.',
  reportedDone: 'Nhiệm vụ {{task}} đã được báo cáo hoàn thành.',
  reportedDoneOn: 'Nhiệm vụ {{task}} đã được báo cáo hoàn thành ngày {{date}}.',
  awaitingConfirmation: 'Nhiệm vụ {{task}} đã được báo cáo hoàn thành và đang chờ xác nhận.',
  awaitingConfirmationOn: 'Nhiệm vụ {{task}} đã được báo cáo hoàn thành ngày {{date}} và đang chờ xác nhận.',
  paused: 'Nhiệm vụ {{task}} đang tạm hoãn; cần tiếp tục (resume) trước.',
  pausedBecause: 'Nhiệm vụ {{task}} đang tạm hoãn ({{reason}}); cần tiếp tục (resume) trước.',
  completeForbidden:
    'Chỉ cán bộ của cơ quan chủ trì "{{lead}}" (hoặc quản trị viên) được báo cáo hoàn thành nhiệm vụ {{task}}; cơ quan "{{agency}}" không có quyền này.',
  completeForbiddenWithoutAgency:
    'Chỉ cán bộ của cơ quan chủ trì "{{lead}}" (hoặc quản trị viên) được báo cáo hoàn thành nhiệm vụ {{task}}; người dùng không thuộc cơ quan nào không có quyền này.',
  completedBeforeIssue: 'Ngày hoàn thành {{date}} trước ngày ban hành kế hoạch ({{issuedOn}}); hãy kiểm tra lại completedAt.',
  waitingForPrerequisites: 'Nhiệm vụ {{task}} đang chờ {{prerequisites}} hoàn thành trước; chưa thể báo cáo hoàn thành.',
  notCompletable: 'Nhiệm vụ {{task}} không ở trạng thái có thể báo cáo hoàn thành.',
  confirmedBeforeCompletion: 'confirmedAt không được trước thời điểm báo cáo hoàn thành ({{date}}).',
  confirmForbidden: 'Chỉ cơ quan theo dõi (lãnh đạo) hoặc quản trị viên được xác nhận hay trả lại kết quả nhiệm vụ.',
  returnReasonRequired: 'Cần ghi lý do trả lại để cơ quan chủ trì biết phải làm lại gì.',
  alreadyConfirmed: 'Nhiệm vụ {{task}} đã được xác nhận hoàn thành.',
  nothingToConfirm: 'Nhiệm vụ {{task}} chưa được báo cáo hoàn thành nên chưa có gì để xác nhận hay trả lại.',
  progressForbidden: 'Chỉ cán bộ cơ quan chủ trì "{{lead}}", cơ quan phối hợp, lãnh đạo hoặc quản trị viên được báo cáo tiến độ nhiệm vụ {{task}}.',
  progressValueInvalid: 'Giá trị tiến độ phải là một số không âm, ví dụ 75.',
  extensionForbidden: 'Chỉ cán bộ của cơ quan chủ trì "{{lead}}" (hoặc quản trị viên) được xin gia hạn nhiệm vụ {{task}}.',
  extensionReasonRequired: 'Cần ghi lý do xin gia hạn.',
  extensionDeadlineInvalid: 'Hạn mới "{{value}}" không hợp lệ; hãy viết ngày dạng YYYY-MM-DD (ví dụ 2023-02-28) hoặc thời điểm ISO có múi giờ.',
  extensionWithoutDeadline: 'Nhiệm vụ {{task}} chưa có thời hạn nên không cần gia hạn.',
  extensionNotLater: 'Hạn mới phải sau hạn hiện tại ({{date}}).',
  extensionPending: 'Đã có đề nghị gia hạn {{id}} đang chờ quyết định; chờ quyết định đó trước khi gửi đề nghị mới.',
  decideForbidden: 'Chỉ lãnh đạo hoặc quản trị viên được quyết định gia hạn.',
  extensionNotFound: 'Không có đề nghị gia hạn "{{id}}" cho nhiệm vụ {{task}}.',
  extensionApprovedAlready: 'Đề nghị gia hạn {{id}} đã được quyết định (đồng ý).',
  extensionRejectedAlready: 'Đề nghị gia hạn {{id}} đã được quyết định (không đồng ý).',
  pauseForbidden: 'Chỉ lãnh đạo hoặc quản trị viên được tạm hoãn nhiệm vụ.',
  pauseReasonRequired: 'Cần ghi lý do tạm hoãn.',
  alreadyPaused: 'Nhiệm vụ {{task}} đã đang tạm hoãn.',
  resumeForbidden: 'Chỉ lãnh đạo hoặc quản trị viên được cho nhiệm vụ tiếp tục.',
  notPaused: 'Nhiệm vụ {{task}} không ở trạng thái tạm hoãn.',
  systemOnly: 'Chỉ việc áp dụng lại kế hoạch (hoặc quản trị viên) được sửa hay huỷ nhiệm vụ; hãy sửa tệp kế hoạch rồi chạy kehoach apply.',
};
