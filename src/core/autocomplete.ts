import type { Services } from '../services/index.js';
import type { Actor } from './command.js';
import { clip, truncate } from './text.js';

/** One suggestion: what the member sees, and the value the option gets. */
export interface Suggestion {
  readonly name: string;
  readonly value: string;
}

export interface AutocompleteQuery {
  readonly services: Services;
  readonly actor: Actor;
  readonly channel: string;
  /** What the member has typed into the option so far. */
  readonly typed: string;
}

export type AutocompleteProvider = (query: AutocompleteQuery) => Promise<readonly Suggestion[]>;

/** Discord shows at most 25 suggestions. */
export const MAX_SUGGESTIONS = 25;

/**
 * Completions for options declared with `autocomplete: '<kind>'`, by kind, platform-neutral:
 * an adapter that can offer completions (Discord) asks here. A kind without a provider
 * offers nothing, and the member types the value as usual.
 */
export class Autocomplete {
  private readonly providers = new Map<string, AutocompleteProvider>();

  register(kind: string, provider: AutocompleteProvider): this {
    this.providers.set(kind, provider);
    return this;
  }

  has(kind: string): boolean {
    return this.providers.has(kind);
  }

  async suggest(kind: string, query: AutocompleteQuery): Promise<Suggestion[]> {
    const provider = this.providers.get(kind);
    if (!provider) return [];
    const found = await provider(query);
    return found.slice(0, MAX_SUGGESTIONS).map((s) => ({ name: truncate(s.name, 100), value: clip(s.value, 100) }));
  }
}

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
export function createAutocomplete(): Autocomplete {
  return new Autocomplete().register('chapter', chapters).register('workshop', workshops).register('topic', topics).register('question', questions);
}
