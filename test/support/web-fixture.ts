import type { Services } from '../../src/services/index.js';

const who = (name: string) => ({ platform: 'discord', workspace: 'g1', id: `id-${name}`, name });

/**
 * A chapter with workshops for the public-page tests: Berlin with two upcoming workshops (one
 * coach short), a cancelled one, a public and a private coach, a learner, and a material whose
 * title and description carry markup.
 */
export async function publicFixture(services: Services) {
  const { chapter } = await services.chapters.create({
    name: 'Berlin',
    timeZone: 'Europe/Berlin',
    city: 'Berlin',
    bindTo: { platform: 'discord', workspace: 'g1' },
  });
  await services.chapters.create({ name: 'Hamburg', timeZone: 'Europe/Berlin' });
  const date = (day: number) => ({ year: 2027, month: 2, day });
  const python = await services.workshops.create(chapter, {
    title: 'Python for beginners',
    topic: 'Python',
    date: date(20),
    time: { hour: 10, minute: 0 },
    learners: 8,
    location: 'c-base',
  });
  const git = await services.workshops.create(chapter, {
    title: 'Git together <b>now</b>',
    topic: 'Git',
    date: date(27),
    time: { hour: 18, minute: 30 },
    learners: 4,
  });
  const gone = await services.workshops.create(chapter, {
    title: 'Cancelled jam',
    topic: 'HTML',
    date: date(22),
    time: { hour: 9, minute: 0 },
    learners: 4,
  });
  await services.workshops.cancel(gone.id, 'no room');
  await services.coaches.volunteer(who('Ada Public'), { topics: 'Python', public: true });
  await services.coaches.volunteer(who('Bob Private'), { topics: 'Python' });
  await services.workshops.claim(who('Ada Public'), python.id);
  await services.workshops.claim(who('Bob Private'), python.id);
  await services.workshops.join(who('Lea Learner'), python.id);
  const material = await services.materials.add(who('Ada Public'), {
    title: 'Loops <script>alert(1)</script>',
    url: 'https://learn.example.org/loops',
    topic: 'Python',
    language: 'en',
    description: 'Read <img src=x onerror=alert(2)> first',
  });
  await services.materials.translate(material.id, 'de', 'https://learn.example.org/de/schleifen');
  await services.materials.add(who('Ada Public'), {
    title: 'HTML basics',
    url: 'https://learn.example.org/html',
    topic: 'HTML',
    language: 'de',
    license: 'CC0-1.0',
  });
  await services.materials.attach(python.id, material.id);
  await services.workshops.edit(git.id, { location: 'Room 2' });
  return { chapter, python, git, gone, material };
}
