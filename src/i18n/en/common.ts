import type { CatalogueOf } from '../catalogue';
import type { common as vi } from '../vi/common';

export const common: CatalogueOf<typeof vi> = {
  languageName: 'English',
  unknownLanguage: 'KEHOACH_LANG="{{value}}" is not supported; use "vi" (Vietnamese, the default) or "en" (English).',
};
