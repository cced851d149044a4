import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { varchar } from './schema.js';

/** Tables whose rows are written by a member acting under their name, and that get the writer's author key. */
const AUTHORED = [
  ['question_answer', 'ix_answer_author'],
  ['anon_block', 'ix_block_author'],
  ['partnership_requirement', 'ix_requirement_author'],
  ['partnership_decision', 'ix_decision_author'],
] as const;

/** Everything `/privacy` looks a member up by, indexed: the scoped pseudonyms, the new author keys, the audit actor, the materials' adder. */
const INDEXES: readonly [string, string, string[]][] = [
  ['question_me_too', 'ix_me_too_pseudonym', ['pseudonym']],
  ['question_report', 'ix_report_pseudonym', ['pseudonym']],
  ['audit_entry', 'ix_audit_actor', ['platform', 'workspace', 'actorId']],
  ['material', 'ix_material_added_by', ['addedById']],
];

/**
 * Author keys (`authorKey`, an HMAC of platform, workspace and user; see anonymity.ts) on rows
 * that kept only a display name, so `/privacy` finds a member's rows by a stable key and never
 * by name; and the indexes that keep `/privacy` fast on large tables. Rows written before stay
 * without a key: the migration has no secret to compute one with.
 */
export class PrivacyKeys1795000600000 implements MigrationInterface {
  name = 'PrivacyKeys1795000600000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, index] of AUTHORED) {
      await q.addColumn(table, new TableColumn(varchar('authorKey', 64, { isNullable: true })));
      await q.createIndex(table, new TableIndex({ name: index, columnNames: ['authorKey'] }));
    }
    for (const [table, index, columns] of INDEXES) await q.createIndex(table, new TableIndex({ name: index, columnNames: columns }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, index] of INDEXES) await q.dropIndex(table, index);
    for (const [table, index] of AUTHORED) {
      await q.dropIndex(table, index);
      await q.dropColumn(table, 'authorKey');
    }
  }
}
