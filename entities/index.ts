import { AuditEntry } from './AuditEntry.js';
import { Chapter } from './Chapter.js';
import { ChapterBinding } from './ChapterBinding.js';
import { ChapterChannel } from './ChapterChannel.js';
import { Member } from './Member.js';
import { AnonBlock, Question, QuestionAnswer, QuestionMeToo, QuestionReport } from './Question.js';

export { AnonBlock, AuditEntry, Chapter, ChapterBinding, ChapterChannel, Member, Question, QuestionAnswer, QuestionMeToo, QuestionReport };

/** Every entity, listed (not scanned), for the one DataSource. */
export const entities = [Member, Chapter, ChapterBinding, ChapterChannel, AuditEntry, Question, QuestionMeToo, QuestionAnswer, QuestionReport, AnonBlock];
