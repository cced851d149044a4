import { Autocomplete, type AutocompleteProvider, type SuggestionLimiting } from '../core/autocomplete.js';

/**
 * The completions this version offers, by the `autocomplete` kind options declare: domain
 * queries, so they live with the services; the mechanism (rate limit, platform limits) is
 * src/core/autocomplete.ts.
 */

/** Chapters whose name contains what was typed, those starting with it first. */
const chapters: AutocompleteProvider = async ({ services, typed }) => {
  const needle = typed.trim().toLowerCase();
  const all = await services.chapters.list();
  const matching = all.filter((c) => c.nameKey.includes(needle));
  matching.sort((a, b) => Number(!a.nameKey.startsWith(needle)) - Number(!b.nameKey.startsWith(needle)));
  return matching.map((c) => ({ name: c.city && c.city !== c.name ? `${c.name} (${c.city})` : c.name, value: c.name }));
};

/** Upcoming workshops of the chapter bound here (all, where none is), by number or title. */
const workshops: AutocompleteProvider = async ({ services, actor, channel, typed }) => {
  const needle = typed.trim().toLowerCase().replace(/^#/, '');
  const chapter = await services.chapters.resolve({ platform: actor.platform, workspace: actor.workspace, channel });
  const list = await services.workshops.list({ ...(chapter ? { chapterId: chapter.id } : {}), when: 'upcoming', limit: 100 });
  return list
    .filter((w) => !needle || String(w.id).startsWith(needle) || w.title.toLowerCase().includes(needle))
    .map((w) => ({ name: `#${w.id} ${w.title} (${w.startsAt.toISOString().slice(0, 10)})`, value: String(w.id) }));
};

/** Topics in use by workshops and coaches, matching what was typed. */
const topics: AutocompleteProvider = async ({ services, typed }) => {
  const needle = typed.trim().toLowerCase();
  const found = new Set<string>();
  for (const w of await services.workshops.list({ when: 'upcoming', limit: 200 })) found.add(w.topic.toLowerCase());
  for (const w of await services.workshops.list({ when: 'past', limit: 200 })) found.add(w.topic.toLowerCase());
  return [...found]
    .filter((t) => t.includes(needle))
    .sort()
    .map((t) => ({ name: t, value: t }));
};

/** Questions of the chapter bound here that are still open or waiting, by number or text. */
const questions: AutocompleteProvider = async ({ services, actor, channel, typed }) => {
  const needle = typed.trim().toLowerCase().replace(/^#/, '');
  const chapter = await services.chapters.resolve({ platform: actor.platform, workspace: actor.workspace, channel });
  if (!chapter) return [];
  const list = await services.questions.list(chapter, { status: 'all' });
  return list
    .filter((q) => !needle || String(q.id).startsWith(needle) || q.text.toLowerCase().includes(needle))
    .map((q) => ({ name: `#${q.id} ${q.text}`, value: String(q.id) }));
};

/** The providers of this version, by the `autocomplete` kind options declare. */
export function createAutocomplete(limiting?: SuggestionLimiting): Autocomplete {
  return new Autocomplete(limiting)
    .register('chapter', chapters)
    .register('workshop', workshops)
    .register('topic', topics)
    .register('question', questions);
}
