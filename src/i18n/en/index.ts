import type { CatalogueOf } from '../catalogue';
import type { vi } from '../vi';
import { common } from './common';
import { notify } from './notify';

export const en: CatalogueOf<typeof vi> = { common, notify };
