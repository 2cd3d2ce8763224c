import type { CatalogueOf } from '../catalogue';
import type { vi } from '../vi';
import { common } from './common';

export const en: CatalogueOf<typeof vi> = { common };
