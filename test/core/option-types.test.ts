import assert from 'node:assert/strict';
import { test } from 'node:test';
import { action } from '../../src/core/command.js';
import { type LocalDate, option, type OptionValues } from '../../src/core/options.js';
import type { UserRef } from '../../src/core/reply.js';

// These checks run in the typecheck step of `npm test`: a declaration's option types reach
// `execute` exactly, without casts. A regression is a compile error, not a runtime one.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const expectType = <T extends true>(_: T) => undefined;

const declared = {
  text: option.text({ description: 'cmd.help', required: true }),
  count: option.integer({ description: 'cmd.help', min: 1, max: 200 }),
  status: option.choice({ description: 'cmd.help', choices: ['open', 'answered', 'all'] }),
  date: option.date({ description: 'cmd.help', required: true }),
  member: option.user({ description: 'cmd.help' }),
  flag: { type: 'boolean', description: 'cmd.help', required: true },
} as const;

type Values = OptionValues<typeof declared>;
expectType<Equal<Values['text'], string>>(true);
expectType<Equal<Values['count'], number | undefined>>(true);
expectType<Equal<Values['status'], 'open' | 'answered' | 'all' | undefined>>(true);
expectType<Equal<Values['date'], LocalDate>>(true);
expectType<Equal<Values['member'], UserRef | undefined>>(true);
expectType<Equal<Values['flag'], boolean>>(true);

test('execute sees the declared option types (checked by the compiler)', async () => {
  const seen: unknown[] = [];
  const a = action({
    description: 'cmd.help',
    options: declared,
    async execute(ctx) {
      const text: string = ctx.options.text;
      // @ts-expect-error an optional option may be missing
      const count: number = ctx.options.count;
      // @ts-expect-error an undeclared option does not exist
      void ctx.options.colour;
      seen.push(text, count);
    },
  });
  assert.equal(typeof a.execute, 'function');
  assert.deepEqual(Object.keys(a.options ?? {}), ['text', 'count', 'status', 'date', 'member', 'flag']);
});
