import { Foundation1795000000000 } from './1795000000000-Foundation.js';
import { Workshops1795000100000 } from './1795000100000-Workshops.js';
import { Partnerships1795000200000 } from './1795000200000-Partnerships.js';
import { Questions1795000300000 } from './1795000300000-Questions.js';
import { Materials1795000400000 } from './1795000400000-Materials.js';
import { PendingNotices1795000500000 } from './1795000500000-PendingNotices.js';
import { PrivacyKeys1795000600000 } from './1795000600000-PrivacyKeys.js';
import { SeenRequests1795000700000 } from './1795000700000-SeenRequests.js';
import { ChapterScope1795000800000 } from './1795000800000-ChapterScope.js';
import { ChapterLinks1795000900000 } from './1795000900000-ChapterLinks.js';
import { ChannelNotices1795001000000 } from './1795001000000-ChannelNotices.js';
import { Feeds1795001100000 } from './1795001100000-Feeds.js';
import { ScheduledEvents1795001200000 } from './1795001200000-ScheduledEvents.js';
import { WorkshopDay1795001300000 } from './1795001300000-WorkshopDay.js';
import { DirectButtons1795001400000 } from './1795001400000-DirectButtons.js';
import { AfterTheWorkshop1795001500000 } from './1795001500000-AfterTheWorkshop.js';
import { Shares1795001600000 } from './1795001600000-Shares.js';
import { Lottery1795001800000 } from './1795001800000-Lottery.js';
import { Offers1795001900000 } from './1795001900000-Offers.js';
import { SignupWindows1795001700000 } from './1795001700000-SignupWindows.js';
import { NoShows1795002000000 } from './1795002000000-NoShows.js';
import { PostFailureReported1795002100000 } from './1795002100000-PostFailureReported.js';
import { Outbox1795002200000 } from './1795002200000-Outbox.js';
import { UpcomingWorkshops1795002300000 } from './1795002300000-UpcomingWorkshops.js';

/** Every migration, in order. A generated migration is added here by hand (see README). */
export const migrations = [
  Foundation1795000000000,
  Workshops1795000100000,
  Partnerships1795000200000,
  Questions1795000300000,
  Materials1795000400000,
  PendingNotices1795000500000,
  PrivacyKeys1795000600000,
  SeenRequests1795000700000,
  ChapterScope1795000800000,
  ChapterLinks1795000900000,
  ChannelNotices1795001000000,
  Feeds1795001100000,
  ScheduledEvents1795001200000,
  WorkshopDay1795001300000,
  DirectButtons1795001400000,
  AfterTheWorkshop1795001500000,
  Shares1795001600000,
  SignupWindows1795001700000,
  Lottery1795001800000,
  Offers1795001900000,
  NoShows1795002000000,
  PostFailureReported1795002100000,
  Outbox1795002200000,
  UpcomingWorkshops1795002300000,
];
