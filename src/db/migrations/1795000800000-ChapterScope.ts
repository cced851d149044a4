import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Every right is a relation to a chapter: blocks apply in the chapter where they were set, audit
 * entries are filed under the chapter of what was touched, and a material belongs to the chapter
 * where it was added. Existing blocks take their question's chapter; older audit entries and
 * materials keep none (README: "Who may do what").
 */
export class ChapterScope1795000800000 implements MigrationInterface {
  name = 'ChapterScope1795000800000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['anon_block', 'audit_entry', 'material']) {
      await q.addColumn(table, new TableColumn({ name: 'chapterId', type: 'integer', isNullable: true }));
    }
    // Raw SQL names its tables with the schema on PostgreSQL (TypeORM's table API does so itself).
    const schema =
      q.connection.driver.options.type === 'postgres' ? (q.connection.driver.options as { schema?: string }).schema : undefined;
    const table = (name: string) => (schema ? `"${schema}"."${name}"` : `"${name}"`);
    await q.query(
      `UPDATE ${table('anon_block')} SET "chapterId" = (SELECT q."chapterId" FROM ${table('question')} q WHERE q.id = ${table('anon_block')}."questionId")`,
    );
    await q.createIndex('audit_entry', new TableIndex({ name: 'ix_audit_chapter', columnNames: ['chapterId', 'at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('audit_entry', 'ix_audit_chapter');
    for (const table of ['material', 'audit_entry', 'anon_block']) await q.dropColumn(table, 'chapterId');
  }
}
