/**
 * Whether a user-facing text is in one language. Plan syntax is the same in every language (keys,
 * ids, values such as "3 working days", paths), so what is quoted, in backticks, braces or brackets,
 * and paths and the editor schema comment are left out; what remains is the sentence, and a few common words give its language away.
 */
const PLAN_SYNTAX = /'[^']*'|"[^"]*"|`[^`]*`|\{[^}]*\}|\[[^\]]*\]|\S*\/\S*|# yaml-language-server:.*/g;
const ENGLISH = [
  'the',
  'is',
  'are',
  'must',
  'which',
  'write',
  'not',
  'of',
  'and',
  'did you mean',
  'has',
  'have',
  'add',
  'remove',
  'with',
  'in',
  'to',
  'line',
  'file',
  'task',
  'plan',
  'agency',
  'checked',
  'valid',
  'invalid',
  'errors?',
];
const VIETNAMESE = ['của', 'không', 'phải', 'hãy', 'là', 'và', 'trong', 'tệp', 'dòng', 'khóa', 'lỗi', 'cảnh báo', 'hợp lệ', 'đã kiểm tra'];

function words(list: string[]): RegExp {
  return new RegExp(`(?:^|[^\\p{L}])(${list.join('|')})(?=$|[^\\p{L}])`, 'giu');
}

function found(text: string, list: string[]): string[] {
  return [...text.replace(PLAN_SYNTAX, ' ').matchAll(words(list))].map((match) => match[1]!.toLowerCase());
}

/** The English words of `text` outside plan syntax (none in a Vietnamese text). */
export function englishWords(text: string): string[] {
  return found(text, ENGLISH);
}

/** The Vietnamese words of `text` outside plan syntax (none in an English text). */
export function vietnameseWords(text: string): string[] {
  return found(text, VIETNAMESE);
}
