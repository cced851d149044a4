import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formView, readMetadata, submittedOptions } from '../../../src/adapters/slack/forms.js';
import { fromSlackText } from '../../../src/adapters/slack/text.js';
import type { FormField } from '../../../src/core/forms.js';
import { translator } from '../../../src/core/i18n.js';
import { option } from '../../../src/core/options.js';

test('Slack’s escaped command text becomes what the member typed, and only Slack-named members and channels resolve', () => {
  const line = fromSlackText(
    'set name:“Frankfurt am Main” questions-channel:<#C123|questions> moderator-group:<!subteam^S9|@orga> who:<@U7|ada> see <https://ots.example/a?b=1&amp;c=2|the wiki> &lt;div&gt; &amp;amp; <!channel>',
  );
  assert.equal(
    line.text,
    'set name:"Frankfurt am Main" questions-channel:#questions moderator-group:S9 who:@ada see the wiki (https://ots.example/a?b=1&c=2) <div> &amp; <!channel>',
  );
  assert.deepEqual(line.resolvers.channel?.('#questions'), { id: 'C123', name: 'questions' });
  assert.deepEqual(line.resolvers.user?.('@ADA'), { id: 'U7', name: 'ada' });
  assert.equal(line.resolvers.user?.('@bob'), undefined, 'a name Slack did not turn into a mention is nobody');
  assert.equal(line.resolvers.channel?.('#random'), undefined);
});

test('a link Slack made of what was typed stays one value; a link with its own label keeps both', () => {
  assert.equal(
    fromSlackText('add url:<http://docs.python.org/3/tutorial|docs.python.org/3/tutorial> title:Tutorial').text,
    'add url:http://docs.python.org/3/tutorial title:Tutorial',
  );
  assert.equal(fromSlackText('mail <mailto:orga@ots.example|orga@ots.example>').text, 'mail mailto:orga@ots.example');
  assert.equal(fromSlackText('see <https://ots.example|https://ots.example>').text, 'see https://ots.example');
  assert.equal(fromSlackText('see <https://ots.example/a|our wiki>').text, 'see our wiki (https://ots.example/a)');
});

test('a mention without a name keeps the id as its name', () => {
  const line = fromSlackText('<@U7> <#C1>');
  assert.equal(line.text, '@U7 #C1');
  assert.deepEqual(line.resolvers.user?.('@u7'), { id: 'U7', name: 'U7' });
});

const t = translator('en');
const fields: FormField[] = [
  { name: 'text', spec: option.text({ description: 'cmd.help', required: true }) },
  { name: 'count', spec: option.integer({ description: 'cmd.help', min: 1 }), initial: '4' },
  { name: 'flag', spec: option.boolean({ description: 'cmd.help' }), initial: 'yes' },
  { name: 'status', spec: option.choice({ description: 'cmd.help', choices: ['open', 'all'] }), initial: 'ALL' },
  { name: 'date', spec: option.date({ description: 'cmd.help' }), initial: '2027-03-14' },
  { name: 'time', spec: option.time({ description: 'cmd.help' }), initial: '9:05' },
  { name: 'member', spec: option.user({ description: 'cmd.help' }), initial: '@ada' },
  { name: 'where', spec: option.channel({ description: 'cmd.help' }) },
];

test('a form has one input per option, of the kind its type needs, pre-filled with what was typed', () => {
  const line = fromSlackText('<@U7|ada>');
  const view = formView(fields, { path: ['probe', 'echo'], channel: 'C1', responseUrl: 'https://hooks.example/r' }, t, line.resolvers) as {
    title: { text: string };
    private_metadata: string;
    blocks: { block_id: string; optional: boolean; element: Record<string, unknown> }[];
  };
  assert.equal(view.title.text, '/probe echo');
  assert.deepEqual(readMetadata(view.private_metadata), { path: ['probe', 'echo'], channel: 'C1', responseUrl: 'https://hooks.example/r' });
  const el = Object.fromEntries(view.blocks.map((b) => [b.block_id, b.element]));
  assert.deepEqual([el.text!.type, el.text!.multiline, view.blocks[0]!.optional], ['plain_text_input', true, false]);
  assert.deepEqual([el.count!.type, el.count!.initial_value], ['number_input', '4']);
  assert.deepEqual(
    [el.flag!.type, (el.flag!.initial_option as { value: string }).value],
    ['static_select', 'true'],
    'a typed yes is pre-selected',
  );
  assert.deepEqual([el.status!.type, (el.status!.initial_option as { value: string }).value], ['static_select', 'all']);
  assert.deepEqual([el.date!.type, el.date!.initial_date], ['datepicker', '2027-03-14']);
  assert.deepEqual([el.time!.type, el.time!.initial_time], ['timepicker', '09:05']);
  assert.deepEqual([el.member!.type, el.member!.initial_user], ['users_select', 'U7']);
  assert.deepEqual([el.where!.type, el.where!.initial_conversation], ['conversations_select', undefined]);
  assert.equal(readMetadata('not json'), undefined);
});

test('submitted values come back as raw options; empty fields are left out', () => {
  const specs = Object.fromEntries(fields.map((f) => [f.name, f.spec]));
  const raw = submittedOptions(specs, {
    text: { value: { type: 'plain_text_input', value: 'hello' } },
    count: { value: { type: 'number_input', value: null } },
    flag: { value: { type: 'static_select', selected_option: { value: 'true' } } },
    date: { value: { type: 'datepicker', selected_date: '2027-03-14' } },
    time: { value: { type: 'timepicker', selected_time: '18:30' } },
    member: { value: { type: 'users_select', selected_user: 'U7' } },
    where: { value: { type: 'conversations_select', selected_conversation: 'C9' } },
  });
  assert.deepEqual(raw, {
    text: 'hello',
    flag: 'true',
    date: '2027-03-14',
    time: '18:30',
    member: { id: 'U7', name: 'U7' },
    where: { id: 'C9' },
  });
});
