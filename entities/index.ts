import { Attendance } from './Attendance.js';
import { AuditEntry } from './AuditEntry.js';
import { Chapter } from './Chapter.js';
import { ChapterBinding } from './ChapterBinding.js';
import { ChapterChannel } from './ChapterChannel.js';
import { ChapterLinkAttempt } from './ChapterLinkAttempt.js';
import { ChapterLinkCode } from './ChapterLinkCode.js';
import { Coach } from './Coach.js';
import { CoachInvitation } from './CoachInvitation.js';
import { Disclaimer } from './Disclaimer.js';
import { Material } from './Material.js';
import { MaterialTranslation } from './MaterialTranslation.js';
import { WorkshopMaterial } from './WorkshopMaterial.js';
import { Member } from './Member.js';
import { PartnershipDecision } from './PartnershipDecision.js';
import { PartnershipProposal } from './PartnershipProposal.js';
import { PartnershipRequirement } from './PartnershipRequirement.js';
import { AnonBlock } from './AnonBlock.js';
import { Question } from './Question.js';
import { QuestionAnswer } from './QuestionAnswer.js';
import { QuestionMeToo } from './QuestionMeToo.js';
import { QuestionReport } from './QuestionReport.js';
import { Reminder } from './Reminder.js';
import { ScheduledEvent } from './ScheduledEvent.js';
import { SeenRequest } from './SeenRequest.js';
import { Workshop } from './Workshop.js';
import { WorkshopSignup } from './WorkshopSignup.js';
import { ChapterFeed } from './ChapterFeed.js';
import { FeedEvent } from './FeedEvent.js';
import { WorkshopGroup } from './WorkshopGroup.js';
import { StuckRequest } from './StuckRequest.js';
import { CheckinAttempt } from './CheckinAttempt.js';
import { DirectButton } from './DirectButton.js';
import { WorkshopFeedback } from './WorkshopFeedback.js';
import { CoachNote } from './CoachNote.js';
import { Share } from './Share.js';
import { NoShow } from './NoShow.js';
import { OutboxMessage } from './OutboxMessage.js';

export {
  AnonBlock,
  Attendance,
  AuditEntry,
  Chapter,
  ChapterBinding,
  ChapterChannel,
  ChapterLinkAttempt,
  ChapterLinkCode,
  Coach,
  CoachInvitation,
  Disclaimer,
  Material,
  MaterialTranslation,
  Member,
  PartnershipDecision,
  PartnershipProposal,
  PartnershipRequirement,
  Question,
  QuestionAnswer,
  QuestionMeToo,
  QuestionReport,
  Reminder,
  ScheduledEvent,
  SeenRequest,
  Workshop,
  WorkshopMaterial,
  WorkshopSignup,
  ChapterFeed,
  FeedEvent,
  WorkshopGroup,
  StuckRequest,
  CheckinAttempt,
  DirectButton,
  WorkshopFeedback,
  CoachNote,
  Share,
  NoShow,
  OutboxMessage,
};

/** Every entity, listed (not scanned), for the one DataSource. */
export const entities = [
  Member,
  Chapter,
  ChapterBinding,
  ChapterChannel,
  ChapterLinkCode,
  ChapterLinkAttempt,
  AuditEntry,
  Question,
  QuestionMeToo,
  QuestionAnswer,
  QuestionReport,
  AnonBlock,
  Coach,
  Workshop,
  WorkshopSignup,
  Attendance,
  Reminder,
  CoachInvitation,
  PartnershipProposal,
  PartnershipRequirement,
  PartnershipDecision,
  Disclaimer,
  Material,
  MaterialTranslation,
  WorkshopMaterial,
  SeenRequest,
  ChapterFeed,
  FeedEvent,
  ScheduledEvent,
  WorkshopGroup,
  StuckRequest,
  CheckinAttempt,
  DirectButton,
  WorkshopFeedback,
  CoachNote,
  Share,
  NoShow,
  OutboxMessage,
];
