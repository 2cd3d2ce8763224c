/** Words shared by every audience (CLI, API, notifications, pages). */
export const common = {
  languageName: 'Tiếng Việt',
  unknownLanguage: 'KEHOACH_LANG="{{value}}" không được hỗ trợ; dùng "vi" (tiếng Việt, mặc định) hoặc "en" (tiếng Anh).',
};
