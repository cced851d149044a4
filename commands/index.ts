import type { CommandDecl } from '../src/core/command.js';
import { chapter } from './chapter.js';
import { disclaimer } from './disclaimer.js';
import { help } from './help.js';
import { mod } from './mod.js';
import { partner } from './partner.js';

/** Every command, listed by hand (not scanned); checked at start-up by the CommandRegistry. */
export const commands: readonly CommandDecl[] = [help, chapter, partner, disclaimer, mod];
