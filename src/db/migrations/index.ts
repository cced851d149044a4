import { Foundation1795000000000 } from './1795000000000-Foundation.js';
import { Partnerships1795000200000 } from './1795000200000-Partnerships.js';

/** Every migration, in order. A generated migration is added here by hand (see README). */
export const migrations = [Foundation1795000000000, Partnerships1795000200000];
