/** The Vietnamese catalogue, one namespace per area: it defines the keys every language must have. */
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

export const vi = { common, api, apply, cli, labels, notify, rejection, timeline, validate, web };
