import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { cascadeTo, id, instant, varchar } from './schema.js';

/** Anonymous questions, me-toos, answers, reports and pseudonym blocks. No column holds an asker's user id. */
const questionFk = cascadeTo('question', 'questionId');

export class Questions1795000300000 implements MigrationInterface {
  name = 'Questions1795000300000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'question',
        columns: [
          id,
          { name: 'chapterId', type: 'integer' },
          varchar('pseudonym', 64),
          { name: 'text', type: 'text' },
          varchar('topic', 64, { isNullable: true }),
          { name: 'workshopId', type: 'integer', isNullable: true },
          varchar('status', 16, { default: "'open'" }),
          varchar('platform', 16),
          varchar('workspace', 64),
          varchar('channel', 64),
          varchar('messageId', 64, { isNullable: true }),
          instant('postAt'),
          instant('postedAt', true),
          { name: 'replyTo', type: 'text', isNullable: true },
          instant('replyToExpiresAt', true),
          instant('hiddenAt', true),
          varchar('hiddenReason', 500, { isNullable: true }),
          instant('createdAt'),
        ],
        indices: [
          { name: 'ix_question_pseudonym', columnNames: ['pseudonym', 'createdAt'] },
          { name: 'ix_question_due', columnNames: ['postedAt', 'postAt'] },
        ],
        foreignKeys: [cascadeTo('chapter', 'chapterId')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'question_me_too',
        columns: [id, { name: 'questionId', type: 'integer' }, varchar('pseudonym', 64)],
        uniques: [{ name: 'uq_me_too', columnNames: ['questionId', 'pseudonym'] }],
        foreignKeys: [questionFk],
      }),
    );
    await q.createTable(
      new Table({
        name: 'question_answer',
        columns: [
          id,
          { name: 'questionId', type: 'integer' },
          varchar('authorName', 100),
          { name: 'text', type: 'text' },
          instant('createdAt'),
        ],
        indices: [{ name: 'ix_answer_question', columnNames: ['questionId'] }],
        foreignKeys: [questionFk],
      }),
    );
    await q.createTable(
      new Table({
        name: 'question_report',
        columns: [id, { name: 'questionId', type: 'integer' }, varchar('pseudonym', 64), varchar('reason', 500), instant('createdAt')],
        uniques: [{ name: 'uq_report', columnNames: ['questionId', 'pseudonym'] }],
        foreignKeys: [questionFk],
      }),
    );
    await q.createTable(
      new Table({
        name: 'anon_block',
        columns: [
          id,
          varchar('pseudonym', 64),
          { name: 'questionId', type: 'integer' },
          varchar('reason', 500),
          varchar('moderatorName', 100),
          instant('createdAt'),
          instant('expiresAt'),
          instant('liftedAt', true),
        ],
        indices: [{ name: 'ix_block_pseudonym', columnNames: ['pseudonym'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['anon_block', 'question_report', 'question_answer', 'question_me_too', 'question']) await q.dropTable(table);
  }
}
