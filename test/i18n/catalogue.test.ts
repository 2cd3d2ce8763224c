/**
 * The message catalogue: every key in both languages with the same interpolated values, and the
 * language chosen by KEHOACH_LANG. The type-checker already refuses a missing key in a TypeScript
 * catalogue; this test also catches a key that is present but empty or interpolates other values.
 */
import t from 'tap';
import { catalogues, languageFromEnv, translator } from '../../src/i18n';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const entries = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') entries.set(path, value);
    else for (const [inner, text] of flatten(value, path)) entries.set(inner, text);
  }
  return entries;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((match) => match[1]).sort();
// A plural key stands for its forms: Vietnamese has one (`_other`), English two (`_one`, `_other`).
const baseKey = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, '');

t.test('every key is in both languages, non-empty, with the same interpolated values', async (t) => {
  const vi = flatten(catalogues.vi as unknown as Tree);
  const en = flatten(catalogues.en as unknown as Tree);
  const viKeys = new Set([...vi.keys()].map(baseKey));
  const enKeys = new Set([...en.keys()].map(baseKey));
  t.same(
    [...viKeys].filter((key) => !enKeys.has(key)),
    [],
    'no key missing in English',
  );
  t.same(
    [...enKeys].filter((key) => !viKeys.has(key)),
    [],
    'no key missing in Vietnamese',
  );
  for (const [key, text] of [...vi, ...en]) t.ok(text.trim().length > 0, `${key} is not empty`);
  for (const [key, text] of vi) {
    const english = en.get(key) ?? en.get(`${baseKey(key)}_other`);
    if (english === undefined) continue;
    t.same(placeholders(english), placeholders(text), `${key} interpolates the same values in both languages`);
  }
});

t.test('KEHOACH_LANG chooses the language; Vietnamese by default; anything else is refused in both', async (t) => {
  t.equal(languageFromEnv({}), 'vi');
  t.equal(languageFromEnv({ KEHOACH_LANG: '' }), 'vi');
  t.equal(languageFromEnv({ KEHOACH_LANG: 'en' }), 'en');
  t.equal(languageFromEnv({ KEHOACH_LANG: 'en_US.UTF-8' }), 'en');
  t.equal(languageFromEnv({ KEHOACH_LANG: 'VI' }), 'vi');
  t.throws(() => languageFromEnv({ KEHOACH_LANG: 'fr' }), /không được hỗ trợ[\s\S]*is not supported/);
  t.equal(translator('vi')('languageName'), 'Tiếng Việt');
  t.equal(translator('en')('languageName'), 'English');
  t.match(translator('en')('unknownLanguage', { value: 'x<y' }), 'KEHOACH_LANG="x<y"', 'values are not HTML-escaped here');
});
