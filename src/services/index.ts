import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { Member } from '../../entities/Member.js';
import type { Config } from '../config.js';
import type { Clock } from '../core/clock.js';
import type { CoreServices } from '../core/command.js';
import { translator } from '../core/i18n.js';
import { Notifier } from '../core/notifier.js';
import { SettingsCache } from '../db/settings-cache.js';
import { Store } from '../db/store.js';
import { AuditService } from './audit.js';
import { ChapterService } from './chapters.js';
import { CoachService } from './coaches.js';
import { DirectButtons } from './direct-buttons.js';
import { DirectMessages } from './direct-messages.js';
import { DisclaimerService } from './disclaimers.js';
import { FeedService } from './feeds/service.js';
import { MaterialService } from './materials.js';
import { MemberService } from './members.js';
import { NoticeService } from './notices.js';
import { OutboxService } from './outbox/service.js';
import { PartnershipService } from './partnerships.js';
import { Policy } from './policy.js';
import { PrivacyService } from './privacy/service.js';
import { QuestionService } from './questions/service.js';
import { ReminderService } from './reminders.js';
import { SeenRequests } from './seen-requests.js';
import { ShareService } from './shares.js';
import { WorkshopDay } from './workshops/day.js';
import { PublicRecord } from './workshops/record.js';
import { WorkshopService } from './workshops/service.js';
import { StuckQueue } from './workshops/stuck.js';
import { NoShows } from './workshops/no-shows.js';
import { WorkshopNotices } from './workshops/notices.js';
import { Rosters } from './workshops/roster.js';
import { FeedbackService } from './workshops/feedback.js';

/** Everything commands use, built once in main (or a test) and handed over on `ctx.services`. */
export interface Services extends CoreServices {
  readonly config: Config;
  readonly db: DataSource;
  /** The database for services: reads, and writes inside transactions (see Store). */
  readonly store: Store;
  readonly clock: Clock;
  readonly log: Logger;
  readonly anonSecret: string;
  /** Posts outside an interaction (reminders, notifications), through whichever adapters run. */
  readonly notifier: Notifier;
  readonly chapters: ChapterService;
  /** Short notices to channels, posted by whichever process serves the place. */
  readonly notices: NoticeService;
  /** Who may do what: every action on a chapter's objects is decided here. */
  readonly policy: Policy;
  readonly members: MemberService;
  readonly audit: AuditService;
  readonly questions: QuestionService;
  readonly coaches: CoachService;
  readonly workshops: WorkshopService;
  /** The workshop day: check-in codes and check-ins, and the small groups with their places. */
  readonly workshopDay: WorkshopDay;
  /** The chapters' public record of past workshops (the chapter page, report.json), and moderators hiding a workshop from it. */
  readonly record: PublicRecord;
  /** "I'm stuck": each coach's help queue on the day. */
  readonly stuck: StuckQueue;
  /** After the workshop: learners' anonymous feedback, coaches' notes, the reports. */
  readonly feedback: FeedbackService;
  /** Due reminders: `tick()` sends them; `start()`/`stop()` run it on a timer (main). */
  readonly reminders: ReminderService;
  readonly partnerships: PartnershipService;
  readonly disclaimers: DisclaimerService;
  readonly materials: MaterialService;
  /** Projects learners share in their chapter's showcase channel (`/share`). */
  readonly shares: ShareService;
  /** Members' data rights: export and erasure. */
  readonly privacy: PrivacyService;
  /** Signed Slack requests already run, so a replay runs nothing (HTTP mode). */
  readonly seenRequests: SeenRequests;
  /** Chapters' calendar feeds, whose events become workshops: `pollDue()` syncs the due ones; `start()`/`stop()` on a timer (the scheduler). */
  readonly feeds: FeedService;
  /** Buttons in direct messages: the rows their opaque references name (`open` checks a press against one). */
  readonly directButtons: DirectButtons;
  /** DMs to members outside any interaction; their buttons are stored as `directButtons`. */
  readonly dms: DirectMessages;
  /** No-shows (issue "Fair sign-ups"): records after workshops with check-in, chapters' policies, cool-downs. */
  readonly noShows: NoShows;
  /** Every message the bot sends on its own initiative, exactly once (issue "Exactly once"). */
  readonly outbox: OutboxService;
}

export function createServices(base: Pick<Services, 'config' | 'db' | 'clock' | 'log' | 'anonSecret'>): Services {
  const store = new Store(base.db);
  const notifier = new Notifier();
  const { anonymity } = base.config;
  const chapters = new ChapterService(store, base.clock, base.anonSecret, new SettingsCache(base.db, store));
  const members = new MemberService(store, base.clock);
  const directButtons = new DirectButtons(store, base.clock);
  const outbox = new OutboxService(store, base.clock, notifier, base.log, base.anonSecret, {
    maxAttempts: base.config.outboxMaxAttempts,
    locale: base.config.locale,
    testCrash: base.config.outboxTestCrash,
  });
  const dms = new DirectMessages(store, base.config, directButtons, outbox);
  const materials = new MaterialService(store, base.clock, members);
  const reminders = new ReminderService(store, base.clock, base.config, outbox, dms, base.log, materials);
  const workshops = new WorkshopService(store, base.clock, base.config, members, reminders, dms);
  const coaches = new CoachService(store, base.clock, members, workshops);
  const workshopDay = new WorkshopDay(
    store,
    base.clock,
    members,
    dms,
    chapters,
    notifier,
    base.anonSecret,
    base.log,
    (id) => workshops.get(id),
    (w) => w.learnersPerCoach,
    base.config.locale,
    async (memberId) => {
      const member = await store.manager.findOneBy(Member, { id: memberId });
      if (member) await workshops.inviteToCoachIfDue(member);
    },
  );
  const stuck = new StuckQueue(store, base.clock, base.config.workshops.stuckEscalateMinutes, dms, base.log);
  const feedback = new FeedbackService(store, base.clock, base.anonSecret, base.config.feedback, dms, stuck, base.log, (id) =>
    workshops.get(id),
  );
  // Active coaches only: paused and retired ones pass no coach check.
  const policy = new Policy(
    store,
    chapters,
    { isCoach: (actor) => coaches.isActive(actor), isCoachOf: (actor, id) => workshops.isCoachOf(actor, id) },
    base.config.allowedWorkspaces,
  );
  const questions = new QuestionService(
    store,
    base.clock,
    notifier,
    base.log,
    {
      secret: base.anonSecret,
      postDelayMaxSeconds: anonymity.postDelayMaxSeconds,
      rateLimit: anonymity.rateLimit,
      t: translator(base.config.locale),
    },
    outbox,
  );
  const notices = new NoticeService(store, outbox);
  const noShows = new NoShows(
    store,
    base.clock,
    base.config.workshops.noShowCutoffHours,
    (id) => workshopDay.hasCheckin(id),
    new WorkshopNotices(dms, new Rosters(store, base.clock)),
    chapters.settings,
  );
  const shares = new ShareService(store, base.clock, notifier, base.log, members, workshops, translator(base.config.locale));
  return {
    ...base,
    store,
    notifier,
    questions,
    chapters,
    policy,
    notices,
    members,
    audit: new AuditService(store, base.clock),
    coaches,
    workshops,
    workshopDay,
    record: new PublicRecord(store, base.clock, base.config.feedback.publicMin),
    stuck,
    feedback,
    reminders,
    partnerships: new PartnershipService(store, base.clock, chapters, members, base.anonSecret),
    disclaimers: new DisclaimerService(store, base.clock, members),
    materials,
    shares,
    privacy: new PrivacyService(
      store,
      base.clock,
      workshops,
      questions,
      shares,
      base.anonSecret,
      base.config.privacyCooldownSeconds,
      noShows,
    ),
    seenRequests: new SeenRequests(store, base.clock),
    feeds: new FeedService(store, base.clock, base.config, chapters, workshops, notices, base.log),
    directButtons,
    dms,
    noShows,
    outbox,
  };
}

// Commands see every service on `ctx.services`; the core declares only what it uses itself.
declare module '../core/command.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface CommandServices extends Services {}
}
