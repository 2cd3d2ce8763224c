/** The Vietnamese catalogue, one namespace per area: it defines the keys every language must have. */
import { common } from './common';
import { notify } from './notify';

export const vi = { common, notify };
