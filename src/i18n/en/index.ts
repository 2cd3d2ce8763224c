import type { CatalogueOf } from '../catalogue';
import type { vi } from '../vi';
import { api } from './api';
import { apply } from './apply';
import { cli } from './cli';
import { common } from './common';
import { labels } from './labels';
import { notify } from './notify';
import { rejection } from './rejection';
import { timeline } from './timeline';
import { validate } from './validate';
import { web } from './web';

export const en: CatalogueOf<typeof vi> = { common, api, apply, cli, labels, notify, rejection, timeline, validate, web };
