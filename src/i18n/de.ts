import * as core from './core.js';
import * as slack from './slack.js';
import type { Catalogue } from './en.js';

/** The German catalogue. The compiler checks it has every key the English one has (each area's `de` is typed by its `en`). */
export const de: Catalogue = {
  ...core.de,
  ...slack.de,
};
