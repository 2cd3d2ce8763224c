import type { CatalogueOf } from '../catalogue';
import type { vi } from '../vi';
import { apply } from './apply';
import { common } from './common';

export const en: CatalogueOf<typeof vi> = { common, apply };
