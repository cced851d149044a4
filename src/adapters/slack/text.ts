import type { Invocation } from '../../core/dispatcher.js';
import type { ChannelRef, UserRef } from '../../core/reply.js';
import type { Resolvers } from '../../core/validate.js';

/**
 * Slash-command text as Slack sends it (the commands are declared with `should_escape`), turned
 * into what the member typed, for the core's grammar:
 *
 * - `<@U123|alice>` → `@alice`, `<#C123|questions>` → `#questions`; the ids are kept aside so
 *   user and channel options resolve to them (and only to members and channels Slack named);
 * - `<!subteam^S123|@mods>` → `S123` (what `/chapter set moderator-group:` stores);
 * - `<https://x|label>` → `label (https://x)`, but a link Slack made of what was typed
 *   (`<http://example.org/a|example.org/a>` for `example.org/a`) → the URL alone, so
 *   `url:example.org/a` stays one value; `&lt;` `&gt;` `&amp;` → `<` `>` `&`;
 * - typographic quotes → `"`, so `name:“two words”` works from a phone.
 *
 * Broadcasts (`<!channel>`, `<!here>`, `<!everyone>`) stay as they are: the renderer escapes
 * them, so they show as typed and ping nobody.
 *
 * Linear in the length of the text: a token's label stops at the next `<` as well as at `>`
 * (Slack escapes both in what was typed, so neither occurs inside a token). With `[^>]*`, each
 * of 40,000 unclosed `<@U1|` scanned to the end of the line: seconds of CPU for one command.
 */
export interface SlackLine {
  readonly text: string;
  readonly resolvers: Resolvers;
}

const withoutScheme = (url: string): string => url.replace(/^(?:https?:\/\/|mailto:)/, '');

export function fromSlackText(raw: string): SlackLine {
  const users = new Map<string, UserRef>();
  const channels = new Map<string, ChannelRef>();
  const text = raw
    .replace(/<@([UW][A-Z0-9]+)(?:\|([^<>]*))?>/g, (_all, id: string, name?: string) => {
      const shown = name?.trim() || id;
      users.set(`@${shown}`.toLowerCase(), { id, name: shown });
      return `@${shown}`;
    })
    .replace(/<#([CG][A-Z0-9]+)(?:\|([^<>]*))?>/g, (_all, id: string, name?: string) => {
      const shown = name?.trim() || id;
      channels.set(`#${shown}`.toLowerCase(), { id, name: shown });
      return `#${shown}`;
    })
    .replace(/<!subteam\^([A-Z0-9]+)(?:\|[^<>]*)?>/g, '$1')
    .replace(/<((?:https?|mailto):[^<>|]+)(?:\|([^<>]*))?>/g, (_all, url: string, label?: string) =>
      label && label !== url && label !== withoutScheme(url) ? `${label} (${url})` : url,
    )
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[“”„‟″]/g, '"');
  return {
    text,
    resolvers: {
      user: (value) => users.get(value.toLowerCase()),
      channel: (value) => channels.get(value.toLowerCase()),
    },
  };
}

/**
 * A slash command as Slack sends it (`/ots-chapter` and its escaped text) as the core's
 * invocation: the prefix comes off where it names one of our commands, the text becomes what
 * the member typed (`fromSlackText`), and the members and channels Slack named in it resolve.
 * Errors point at the column in what the member typed after the prefix.
 */
export function slashInvocation(
  command: { readonly command: string; readonly text?: string },
  prefix: string,
  names: ReadonlySet<string>,
): { invocation: Invocation; resolvers: Resolvers } {
  const typed = command.command.replace(/^\//, '');
  const name = typed.startsWith(prefix) && names.has(typed.slice(prefix.length)) ? typed.slice(prefix.length) : typed;
  const line = fromSlackText(command.text ?? '');
  return {
    invocation: { kind: 'line', text: `/${name} ${line.text}`, startColumn: 1 + typed.length - name.length },
    resolvers: line.resolvers,
  };
}
