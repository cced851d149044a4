import { AuditEntry } from './AuditEntry.js';
import { Chapter } from './Chapter.js';
import { ChapterBinding } from './ChapterBinding.js';
import { ChapterChannel } from './ChapterChannel.js';
import { Member } from './Member.js';

export { AuditEntry, Chapter, ChapterBinding, ChapterChannel, Member };

/** Every entity, listed (not scanned), for the one DataSource. */
export const entities = [Member, Chapter, ChapterBinding, ChapterChannel, AuditEntry];
