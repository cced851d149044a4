import { AuditEntry } from './AuditEntry.js';
import { Chapter } from './Chapter.js';
import { ChapterBinding } from './ChapterBinding.js';
import { ChapterChannel } from './ChapterChannel.js';
import { Disclaimer } from './Disclaimer.js';
import { Member } from './Member.js';
import { PartnershipDecision, PartnershipProposal, PartnershipRequirement } from './Partnership.js';

export { AuditEntry, Chapter, ChapterBinding, ChapterChannel, Disclaimer, Member, PartnershipDecision, PartnershipProposal, PartnershipRequirement };

/** Every entity, listed (not scanned), for the one DataSource. */
export const entities = [Member, Chapter, ChapterBinding, ChapterChannel, AuditEntry, PartnershipProposal, PartnershipRequirement, PartnershipDecision, Disclaimer];
