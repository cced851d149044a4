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
import type { Catalogue } from './en.js';

/** The German catalogue. The compiler checks it has every key the English one has (each area's `de` is typed by its `en`). */
export const de: Catalogue = {
  ...core.de,
  ...questions.de,
  ...workshops.de,
  ...discord.de,
  ...partners.de,
  ...mod.de,
  ...slack.de,
  ...materials.de,
  ...privacy.de,
  ...feeds.de,
  ...day.de,
  ...feedback.de,
  ...buttons.de,
  ...record.de,
  ...shares.de,
  ...fairnessAllocation.de,
  ...fairnessRules.de,
  ...outbox.de,
  ...paging.de,
};
