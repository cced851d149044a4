import type { CommandDecl } from '../src/core/command.js';
import { ask } from './ask.js';
import { chapter } from './chapter.js';
import { coach } from './coach.js';
import { disclaimer } from './disclaimer.js';
import { help } from './help.js';
import { materials } from './materials.js';
import { mod } from './mod.js';
import { partner } from './partner.js';
import { privacy } from './privacy.js';
import { progress } from './progress.js';
import { questions } from './questions.js';
import { share } from './share.js';
import { stuck } from './stuck.js';
import { workshop } from './workshop.js';

/** Every command, listed by hand (not scanned); checked at start-up by the CommandRegistry. */
export const commands: readonly CommandDecl[] = [
  help,
  chapter,
  ask,
  questions,
  mod,
  coach,
  workshop,
  stuck,
  progress,
  share,
  partner,
  disclaimer,
  materials,
  privacy,
];
