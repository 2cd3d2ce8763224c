/** The Vietnamese catalogue, one namespace per area: it defines the keys every language must have. */
import { apply } from './apply';
import { common } from './common';

export const vi = { common, apply };
