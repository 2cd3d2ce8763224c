import type { CatalogueOf } from '../catalogue';
import type { vi } from '../vi';
import { api } from './api';
import { common } from './common';
import { rejection } from './rejection';

export const en: CatalogueOf<typeof vi> = { common, api, rejection };
