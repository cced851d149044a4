import type { TableColumnOptions } from 'typeorm';

/** Column shapes shared by migrations, matching the entity decorators (see entities/columns.ts). */
export const id: TableColumnOptions = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };

export const varchar = (name: string, length: number, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  ...extra,
});

/** An InstantColumn: milliseconds since the epoch. */
export const instant = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable });

/** `<column>` referencing `<table>.id`, deleted with it. */
export const cascadeTo = (table: string, column: string) => ({
  columnNames: [column],
  referencedTableName: table,
  referencedColumnNames: ['id'],
  onDelete: 'CASCADE',
});
