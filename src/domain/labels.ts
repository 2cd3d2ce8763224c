/**
 * Which QĐ 42/2014 group a category belongs to (Đã hoàn thành / Chưa hoàn thành). The words
 * themselves are in the message catalogue (src/i18n, `labels`), in the reader's language.
 */
import type { Category } from './vocabulary';

export type CategoryGroup = 'done' | 'open';

export function categoryGroup(category: Category): CategoryGroup | undefined {
  if (category === 'done_on_time' || category === 'done_late') return 'done';
  if (category === 'open_on_time' || category === 'open_overdue') return 'open';
  return undefined;
}
