/** The Vietnamese catalogue, one namespace per area: it defines the keys every language must have. */
import { common } from './common';
import { web } from './web';

export const vi = { common, web };
