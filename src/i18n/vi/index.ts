/** The Vietnamese catalogue, one namespace per area: it defines the keys every language must have. */
import { api } from './api';
import { common } from './common';
import { rejection } from './rejection';

export const vi = { common, api, rejection };
