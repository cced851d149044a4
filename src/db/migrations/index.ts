import { Foundation1795000000000 } from './1795000000000-Foundation.js';
import { Workshops1795000100000 } from './1795000100000-Workshops.js';
import { Partnerships1795000200000 } from './1795000200000-Partnerships.js';
import { Questions1795000300000 } from './1795000300000-Questions.js';
import { Materials1795000400000 } from './1795000400000-Materials.js';
import { PendingNotices1795000500000 } from './1795000500000-PendingNotices.js';

/** Every migration, in order. A generated migration is added here by hand (see README). */
export const migrations = [Foundation1795000000000, Workshops1795000100000, Partnerships1795000200000, Questions1795000300000, Materials1795000400000, PendingNotices1795000500000];
