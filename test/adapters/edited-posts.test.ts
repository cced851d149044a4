import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import type { Question } from '../../entities/Question.js';
import type { Share } from '../../entities/Share.js';
import type { Member } from '../../entities/Member.js';
import type { Workshop } from '../../entities/Workshop.js';
import { ask } from '../../commands/ask.js';
import { mod } from '../../commands/mod.js';
import { share as shareCommand } from '../../commands/share.js';
import { workshop as workshopCommand } from '../../commands/workshop.js';
import { discordPayload } from '../../src/adapters/discord/outbox.js';
import { type DiscordPayload, renderDiscord } from '../../src/adapters/discord/render.js';
import { renderSlack, type SlackPayload } from '../../src/adapters/slack/render.js';
import { SlackOutbox } from '../../src/adapters/slack/web.js';
import { translator } from '../../src/core/i18n.js';
import { PLATFORM_LIMITS } from '../../src/core/limits.js';
import { type Message, message, p } from '../../src/core/reply.js';
import { questionPost } from '../../src/services/questions/post.js';
import { ShareService } from '../../src/services/shares.js';

/** An option's declared maximum (code points, as the validator counts). */
function maxOf(o: { readonly maxLength?: number }): number {
  assert.ok(o.maxLength, 'the option declares a maximum');
  return o.maxLength;
}

/**
 * Texts of exactly `n` code points that cost the renderers the most: `&` and `<` (five and four
 * characters escaped on Slack), emoji (two UTF-16 units each), would-be pings (neutralised on
 * Discord with a zero-width space), and a mix.
 */
function worst(n: number): string[] {
  const of = (pieces: readonly string[]) => {
    const out: string[] = [];
    for (let i = 0; out.length < n; i++) out.push(...[...pieces[i % pieces.length]!].slice(0, n - out.length));
    return out.join('');
  };
  return [of(['&']), of(['<']), of(['😀']), of(['@everyone ']), of(['<@123456789012345678>']), of(['&', '<', '😀', '@here', ' '])];
}

const D = PLATFORM_LIMITS.discord;
const S = PLATFORM_LIMITS.slack;

function withinDiscord(payloads: DiscordPayload[], what: string): void {
  assert.equal(payloads.length, 1, `${what}: one Discord message`);
  const [d] = payloads;
  const size = d!.embeds.reduce(
    (n, e) =>
      n + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.fields ?? []).reduce((m, f) => m + f.name.length + f.value.length, 0),
    0,
  );
  assert.ok(size <= D.embedTotal && d!.embeds.length <= D.embeds, `${what}: embeds`);
  for (const e of d!.embeds) {
    assert.ok((e.title?.length ?? 0) <= D.title && (e.description?.length ?? 0) <= D.description, `${what}: title, description`);
    for (const f of e.fields ?? []) assert.ok(f.name.length <= D.fieldName && f.value.length <= D.fieldValue, `${what}: a field`);
  }
  assert.ok((d!.content ?? '').length <= D.content && d!.components.length <= D.rows, `${what}: content, rows`);
}

function withinSlack(payloads: SlackPayload[], what: string): void {
  assert.equal(payloads.length, 1, `${what}: one Slack message`);
  const [s] = payloads;
  assert.ok(s!.blocks.length <= S.blocks && s!.text.length <= S.text, `${what}: blocks, text`);
  let total = 0;
  for (const b of s!.blocks) {
    if (b.type === 'section' && 'text' in b) {
      assert.ok(b.text.text.length <= S.sectionText, `${what}: a section`);
      total += b.text.text.length;
    }
    if (b.type === 'section') for (const f of b.fields ?? []) assert.ok(f.text.length <= S.fieldText, `${what}: a field`);
    if (b.type === 'section') total += (b.fields ?? []).reduce((n, f) => n + f.text.length, 0);
  }
  assert.ok(total <= S.blocksText, `${what}: ${total} characters in blocks`);
}

function fitsEverywhere(m: Message, what: string): void {
  withinDiscord(renderDiscord(m), what);
  withinSlack(renderSlack(m), what);
  withinSlack(renderSlack(m, { url: 'https://a-long-workspace-name-for-the-test.slack.com/' }), `${what} (with the workspace's address)`);
}

const BIG = 2_147_483_647;

test('the posts the bot edits later fit in one message on Discord and Slack, with every option at its declared maximum, in en and de', () => {
  const text = maxOf(ask.action!.options!.text);
  const topic = maxOf(ask.action!.options!.topic);
  const reason = maxOf(mod.subcommands.hide.options!.reason);
  const shareText = maxOf(shareCommand.action!.options!.text);
  const shareUrl = maxOf(shareCommand.action!.options!.url);
  const shareReason = maxOf(shareCommand.subcommands.hide.options!.reason);
  const workshopTitle = maxOf(workshopCommand.subcommands.create.options!.title);
  for (const locale of ['en', 'de']) {
    const t = translator(locale);
    const shares = new ShareService(null as never, null as never, null as never, null as never, null as never, null as never, t);
    for (const [i, typed] of worst(text).entries()) {
      const [topicText] = worst(topic).slice(i % 6);
      const [why] = worst(reason).slice(i % 6);
      for (const status of ['open', 'pending', 'closed'] as const) {
        const q = {
          id: BIG,
          text: typed,
          topic: topicText,
          workshopId: BIG,
          status,
          channel: 'C0123456789',
          hiddenAt: null,
          hiddenReason: null,
        } as unknown as Question;
        fitsEverywhere(questionPost(q, { meToo: BIG, answers: BIG }, t), `question post (${locale}, ${status}, text ${i})`);
        const hidden = { ...q, hiddenAt: new Date(), hiddenReason: why } as unknown as Question;
        fitsEverywhere(questionPost(hidden, { meToo: BIG, answers: BIG }, t), `hidden question post (${locale}, ${i})`);
      }
    }
    const member = { userId: '123456789012345678', displayName: worst(80)[3] } as Member;
    const workshop = { id: BIG, title: worst(workshopTitle)[2] } as Workshop;
    for (const [i, typed] of worst(shareText).entries()) {
      const url = `https://example.org/${'('.repeat(shareUrl - 'https://example.org/'.length)}`;
      const s = { id: BIG, text: typed, url, channelId: 'C0123456789', hiddenAt: null, hiddenReason: null } as unknown as Share;
      fitsEverywhere(shares.render(s, member, workshop), `share post (${locale}, ${i})`);
      const hidden = { ...s, hiddenAt: new Date(), hiddenReason: worst(shareReason)[i % 6] } as unknown as Share;
      fitsEverywhere(shares.render(hidden, member, workshop), `hidden share post (${locale}, ${i})`);
    }
  }
});

test('a channel notice fits in one message: it is stored with at most 1,000 characters', () => {
  for (const text of worst(1000)) fitsEverywhere(message(text, { visibility: { kind: 'channel', channel: 'C1' } }), 'channel notice');
});

test('an edit that would need two messages is a programming error, not a silent cut', async () => {
  const long = message([p('word '.repeat(3000))], { visibility: { kind: 'channel', channel: 'C1' } });
  assert.throws(() => discordPayload(long), /renders as \d+: bound its parts/);
  let updated = false;
  const slack = new SlackOutbox(
    { chat: { update: async () => void (updated = true) } } as never,
    'bot',
    {},
    {
      log: pino({ level: 'silent' }),
      t: translator('en'),
    },
  );
  const long2 = message([p('&'.repeat(3000)), p('&'.repeat(3000))], { visibility: { kind: 'channel', channel: 'C1' } });
  assert.ok(renderSlack(long2).length > 1);
  await assert.rejects(slack.edit({ channel: 'C1', messageId: '1.2' }, long2), /renders as \d+: bound its parts/);
  assert.equal(updated, false, 'nothing was sent');
});
