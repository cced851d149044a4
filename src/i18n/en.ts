import * as core from './core.js';
import * as questions from './questions.js';
import * as workshops from './workshops.js';
import * as discord from './discord.js';
import * as mod from './mod.js';
import * as partners from './partners.js';
import * as privacy from './privacy.js';
import * as slack from './slack.js';
import * as materials from './materials.js';
import * as feeds from './feeds.js';
import * as day from './day.js';
import * as feedback from './feedback.js';
import * as buttons from './buttons.js';
import * as record from './record.js';
import * as shares from './shares.js';
import * as fairnessAllocation from './fairness-allocation.js';
import * as fairnessRules from './fairness-rules.js';
import * as outbox from './outbox.js';
import * as paging from './paging.js';
import type { Texts } from './types.js';

/**
 * The English catalogue: every user-facing string, merged from one file per area
 * (`src/i18n/<area>.ts` exports `en` and `de`). `{name}` marks a parameter; a count says its noun with
 * `{n, plural, one {# seat} other {# seats}}` (see `interpolate` in src/core/i18n.ts), never as `seat(s)`.
 */
export const en = {
  ...core.en,
  ...questions.en,
  ...workshops.en,
  ...discord.en,
  ...partners.en,
  ...mod.en,
  ...slack.en,
  ...materials.en,
  ...privacy.en,
  ...feeds.en,
  ...day.en,
  ...feedback.en,
  ...buttons.en,
  ...record.en,
  ...shares.en,
  ...fairnessAllocation.en,
  ...fairnessRules.en,
  ...outbox.en,
  ...paging.en,
} as const;

export type MessageKey = keyof typeof en;
export type Catalogue = Texts<typeof en>;
