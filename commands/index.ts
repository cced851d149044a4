import type { CommandDecl } from '../src/core/command.js';
import { chapter } from './chapter.js';
import { coach } from './coach.js';
import { help } from './help.js';
import { progress } from './progress.js';
import { workshop } from './workshop.js';

/** Every command, listed by hand (not scanned); checked at start-up by the CommandRegistry. */
export const commands: readonly CommandDecl[] = [help, chapter, coach, workshop, progress];
