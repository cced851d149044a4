import { type MigrationInterface, type QueryRunner, Table, TableColumn } from 'typeorm';
import { cascadeTo, id, instant, varchar } from './schema.js';

/** The learning materials directory, their translations, the workshops' materials, and a coach's opt-in to be named publicly. */
export class Materials1795000400000 implements MigrationInterface {
  name = 'Materials1795000400000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'material',
        columns: [
          id,
          varchar('title', 150),
          varchar('url', 500),
          varchar('topic', 64),
          varchar('language', 16),
          varchar('level', 16, { isNullable: true }),
          varchar('license', 32),
          varchar('description', 500, { isNullable: true }),
          { name: 'addedById', type: 'integer', isNullable: true },
          instant('createdAt'),
        ],
        uniques: [{ name: 'uq_material_url', columnNames: ['url'] }],
        indices: [{ name: 'ix_material_topic', columnNames: ['topic'] }],
        foreignKeys: [{ columnNames: ['addedById'], referencedTableName: 'member', referencedColumnNames: ['id'], onDelete: 'SET NULL' }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'material_translation',
        columns: [id, { name: 'materialId', type: 'integer' }, varchar('language', 16), varchar('url', 500), instant('createdAt')],
        uniques: [
          { name: 'uq_translation_language', columnNames: ['materialId', 'language'] },
          { name: 'uq_translation_url', columnNames: ['url'] },
        ],
        foreignKeys: [cascadeTo('material', 'materialId')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'workshop_material',
        columns: [id, { name: 'workshopId', type: 'integer' }, { name: 'materialId', type: 'integer' }],
        uniques: [{ name: 'uq_workshop_material', columnNames: ['workshopId', 'materialId'] }],
        foreignKeys: [cascadeTo('workshop', 'workshopId'), cascadeTo('material', 'materialId')],
      }),
    );
    // No DEFAULT: SQLite's schema diff would then disagree with the entity. Null means "not public".
    await q.addColumn('coach', new TableColumn({ name: 'public', type: 'boolean', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('coach', 'public');
    for (const table of ['workshop_material', 'material_translation', 'material']) await q.dropTable(table);
  }
}
