import { renderConsole } from '../../src/adapters/console/render.js';
import type { Clock } from '../../src/core/clock.js';
import type { Message } from '../../src/core/reply.js';
import type { Services } from '../../src/services/index.js';

/**
 * What the services handed to the adapters (the network edge): DMs as `→name: text`, channel
 * posts as `#channel: text`, rendered as the console renders them, paragraphs joined by ` / `.
 */
export function recordPosts(clock: Clock, ...all: Services[]): string[] {
  const posts: string[] = [];
  for (const services of all) {
    services.notifier.register('console', () => ({
      post: async (m: Message) => {
        const v = m.visibility;
        const to = v.kind === 'dm' ? `→${v.to.name}` : v.kind === 'channel' ? `#${v.channel}` : v.kind;
        posts.push(`${to}: ${renderConsole(m, { locale: 'en', timeZone: 'UTC', now: clock.now() }).split('\n').join(' / ')}`);
        return { channel: to, messageId: String(posts.length) };
      },
      edit: async () => undefined,
    }));
  }
  return posts;
}
