import type { CatalogueOf } from '../catalogue';
import type { vi } from '../vi';
import { common } from './common';
import { web } from './web';

export const en: CatalogueOf<typeof vi> = { common, web };
