import { CoachNote } from '../../entities/CoachNote.js';
import { Member } from '../../entities/Member.js';
import { WorkshopFeedback, type Pace } from '../../entities/WorkshopFeedback.js';
import type { ManualClock } from '../../src/core/clock.js';
import type { Person } from '../../src/core/types.js';
import type { Services } from '../../src/services/index.js';

/** Platform ids unlike the display names, so a test can look for either. */
const person = (id: string, name: string): Person => ({ platform: 'console', workspace: 'console', id, name });

export const LEARNERS = [
  person('U0ZORA01', 'Zora Quill'),
  person('U0XAVER2', 'Xaver Moosbrugger'),
  person('U0YUKI03', 'Yuki Tanabe'),
  person('U0WANDA4', 'Wanda Brookfield'),
  person('U0OMAR05', 'Omar Haddad'),
  person('U0PRIYA6', 'Priya Raman'),
] as const;
const [zora, , yuki, wanda, omar, priya] = LEARNERS;
export const ADA = person('C0ADA001', 'Ada Lovelace');
/** Publishes her note without her name. */
export const GRACE = person('C0GRACE2', 'Grace Hopper');
/** Keeps his note private. */
export const LINUS = person('C0LINUS3', 'Linus Quietly');

/** Sentences that must never reach the public record: the learners' free texts and a private note. */
export const SECRET_TEXTS = ['worked-text', 'improve-text', 'PRIVATE: Xaver struggled with indentation', 'PRIVATE: more time'] as const;

/** The learners' answers: [pace, learned, coachSupport, again]. */
type Answer = readonly [Pace | null, number | null, number | null, boolean | null];

/**
 * Berlin's past workshops for the public-record tests, built through the services (check-ins with
 * the code, a moderator's attendance correction) except for what no command writes yet: the
 * coaches' notes and the learners' (anonymous) feedback rows, inserted with their entities.
 *
 * - #1 "Python for beginners" (12 Jan 2027): 6 learners joined, 5 came (Wanda marked absent), 2 of
 *   3 coaches came; a named note (Ada), an anonymous one (Grace), a private one (Linus); 5 feedback
 *   rows, as many as FEEDBACK_PUBLIC_MIN by default.
 * - #2 "Your first web page" (16 Jan): 4 learners and Grace came, 4 feedback rows: one too few.
 * - #3 "Git and GitHub" (19 Jan): the one a test hides.
 * - #4 cancelled (18 Jan), #5 in Hamburg (13 Jan), #6 upcoming (20 Feb): never on Berlin's record.
 *
 * Leaves the clock at 2027-02-01 12:00 UTC, when feedback on both past workshops has closed.
 */
export async function recordFixture(services: Services, clock: ManualClock) {
  clock.set(new Date('2027-01-10T12:00:00Z'));
  // Bound to the console, so its moderators (CONSOLE_MODERATORS) moderate it.
  const { chapter } = await services.chapters.create({
    name: 'Berlin',
    timeZone: 'Europe/Berlin',
    city: 'Berlin',
    bindTo: { platform: 'console', workspace: 'console' },
  });
  const { chapter: hamburg } = await services.chapters.create({ name: 'Hamburg', timeZone: 'Europe/Berlin', city: 'Hamburg' });
  const at = (day: number, hour: number, minute = 0) => ({ date: { year: 2027, month: 1, day }, time: { hour, minute } });
  const python = await services.workshops.create(chapter, {
    title: 'Python for beginners',
    topic: 'Python',
    ...at(12, 10),
    learners: 8,
    coaches: 3,
    location: 'c-base',
  });
  const web = await services.workshops.create(chapter, { title: 'Your first web page', topic: 'HTML', ...at(16, 10), learners: 6 });
  const git = await services.workshops.create(chapter, { title: 'Git and GitHub', topic: 'Git', ...at(19, 18, 30), learners: 6 });
  const jam = await services.workshops.create(chapter, { title: 'Cancelled jam', topic: 'CSS', ...at(18, 10), learners: 6 });
  const elsewhere = await services.workshops.create(hamburg, { title: 'Hamburg Python', topic: 'Python', ...at(13, 10), learners: 6 });
  const next = await services.workshops.create(chapter, {
    title: 'Data with pandas',
    topic: 'Python',
    date: { year: 2027, month: 2, day: 20 },
    time: { hour: 10, minute: 0 },
    learners: 8,
  });
  await services.workshops.cancel(jam.id, 'no room');

  for (const coach of [ADA, GRACE, LINUS]) await services.coaches.volunteer(coach, { topics: 'Python, HTML' });
  for (const coach of [ADA, GRACE, LINUS]) await services.workshops.claim(coach, python.id);
  await services.workshops.claim(GRACE, web.id);
  await services.workshops.claim(ADA, git.id);
  await services.workshops.claim(ADA, elsewhere.id);
  for (const learner of LEARNERS) await services.workshops.join(learner, python.id);
  for (const learner of [zora, yuki, omar, priya]) await services.workshops.join(learner, web.id);
  await services.workshops.join(zora, elsewhere.id);

  const guide = await services.materials.add(ADA, {
    title: 'Python for beginners (workshop guide)',
    url: 'https://learn.example.org/python-guide',
    topic: 'Python',
    language: 'en',
  });
  const sheet = await services.materials.add(LINUS, {
    title: 'Loops and functions cheat sheet',
    url: 'https://learn.example.org/cheat-sheet',
    topic: 'Python',
    language: 'de',
    license: 'CC0-1.0',
  });
  const old = await services.materials.add(ADA, {
    title: 'Old slides',
    url: 'https://learn.example.org/old',
    topic: 'Python',
    language: 'en',
  });
  const html = await services.materials.add(GRACE, {
    title: 'HTML & CSS from scratch',
    url: 'https://learn.example.org/html',
    topic: 'HTML',
    language: 'en',
    license: 'CC-BY-4.0',
  });
  await services.materials.attach(python.id, guide.id);
  await services.materials.attach(web.id, html.id);

  // The day: everyone checks in with the code, but Linus; a moderator then records Wanda absent.
  const checkIn = async (id: number, people: readonly Person[], day: number) => {
    clock.set(new Date(`2027-01-${day}T09:30:00Z`));
    const { code } = await services.workshopDay.code(id);
    for (const p of people) await services.workshopDay.checkIn(p, id, code);
  };
  await checkIn(python.id, [...LEARNERS, ADA, GRACE], 12);
  clock.set(new Date('2027-01-12T13:00:00Z'));
  await services.workshops.recordAttendance(python.id, [], [wanda.id]);
  await checkIn(web.id, [zora, yuki, omar, priya, GRACE], 16);

  const members = services.db.getRepository(Member);
  const memberOf = async (p: Person) => (await members.findOneByOrFail({ userId: p.id })).id;
  const notes = services.db.getRepository(CoachNote);
  const note = async (workshopId: number, coach: Person, fields: Partial<CoachNote> & Pick<CoachNote, 'publish'>) =>
    notes.insert({
      workshopId,
      memberId: await memberOf(coach),
      taught: null,
      materials: null,
      went: null,
      change: null,
      updatedAt: clock.now(),
      ...fields,
    });
  await note(python.id, ADA, {
    publish: 'named',
    taught: 'Variables, loops, functions',
    materials: `${guide.id}, #${old.id} 99999`,
    went: 'Everyone wrote a loop that prints a times table.',
    change: 'Start with a short tour of the editor.',
  });
  await note(python.id, GRACE, { publish: 'anonymous', taught: 'Functions, lists', went: 'Working in pairs went well.' });
  await note(python.id, LINUS, {
    publish: 'private',
    taught: 'Dictionaries',
    materials: String(sheet.id),
    went: SECRET_TEXTS[2],
    change: SECRET_TEXTS[3],
  });
  await note(web.id, GRACE, { publish: 'named', taught: 'HTML, CSS', went: 'Each learner built and styled a page of their own.' });
  // A material named in a note and removed since is left out.
  await services.materials.remove(old.id);

  const feedback = async (workshopId: number, answers: readonly Answer[]) => {
    for (const [i, [pace, learned, coachSupport, again]] of answers.entries())
      await services.db.getRepository(WorkshopFeedback).insert({
        workshopId,
        pseudonym: `pseudonym-${workshopId}-${i}`,
        pace,
        learned,
        coachSupport,
        again,
        worked: `${SECRET_TEXTS[0]} ${workshopId}-${i}`,
        improve: `${SECRET_TEXTS[1]} ${workshopId}-${i}`,
      });
  };
  await feedback(python.id, [
    ['right', 5, 5, true],
    ['right', 4, 5, true],
    ['fast', 4, 4, true],
    ['slow', 3, null, false],
    ['right', 5, 4, null],
  ]);
  await feedback(web.id, [
    ['right', 5, 5, true],
    ['right', 4, 4, true],
    ['right', 4, 5, true],
    ['fast', 3, 4, true],
  ]);

  clock.set(new Date('2027-02-01T12:00:00Z'));
  return { chapter, hamburg, python, web, git, jam, elsewhere, next, guide, sheet, old, html };
}
