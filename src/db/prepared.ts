import type { DataSource, EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';

/**
 * Statements of a hot path written once, run through TypeORM's query runner (so they are logged,
 * counted and take part in the caller's transaction like any other), without building SQL with
 * the query builder on every call: the SQL text is fixed per database, so better-sqlite3 and the
 * driver's own cache keep it prepared. Rows come back hydrated by TypeORM's own column metadata
 * (types and transformers), as the query builder would.
 *
 * Written with `?` placeholders; on PostgreSQL they become `$1, $2, …`. Tables are named as the
 * entity metadata names them (with the schema, when one is configured).
 */
/** A column as `hydrate` fills it. */
interface Hydrated {
  readonly key: string;
  readonly column: ColumnMetadata;
  readonly plain: boolean;
  readonly same: boolean;
}

const AS_READ = new Set(['varchar', 'text', 'integer', 'int']);

export class PreparedSql {
  private readonly postgres: boolean;

  constructor(private readonly ds: DataSource) {
    this.postgres = ds.options.type === 'postgres';
  }

  /** The entity's table, quoted, with its schema. */
  table(entity: EntityTarget<ObjectLiteral>): string {
    return this.ds
      .getMetadata(entity)
      .tablePath.split('.')
      .map((part) => `"${part}"`)
      .join('.');
  }

  /** Every column of the entity under `alias`, each selected as `<prefix><column>`. */
  columns(entity: EntityTarget<ObjectLiteral>, alias: string, prefix: string): string {
    return this.ds
      .getMetadata(entity)
      .columns.map((c) => `"${alias}"."${c.databaseName}" AS "${prefix}${c.databaseName}"`)
      .join(', ');
  }

  /** The SQL as this database takes it: `?` numbered on PostgreSQL (none may stand in a literal). */
  sql(text: string): string {
    if (!this.postgres) return text;
    let n = 0;
    return text.replace(/\?/g, () => `$${++n}`);
  }

  /** An entity from the columns `columns(entity, …, prefix)` selected, through each column's type and transformer. */
  hydrate<T extends ObjectLiteral>(entity: EntityTarget<T>, row: Record<string, unknown>, prefix: string): T {
    const metadata = this.ds.getMetadata(entity);
    const made = metadata.create() as Record<string, unknown>;
    const driver = this.ds.driver;
    for (const { key, column, plain, same } of this.plan(metadata, prefix)) {
      const value = same ? row[key] : driver.prepareHydratedValue(row[key], column);
      if (plain) made[column.propertyName] = value;
      else column.setEntityValue(made, value);
    }
    return made as T;
  }

  /** Each column with the name it is selected as, worked out once (building the names per row cost more than the rest). */
  private plan(metadata: EntityMetadata, prefix: string): readonly Hydrated[] {
    const id = `${metadata.name}\u0000${prefix}`;
    let plan = this.plans.get(id);
    if (!plan)
      this.plans.set(
        id,
        (plan = metadata.columns.map((column) => ({
          key: `${prefix}${column.databaseName}`,
          column,
          plain: !column.embeddedMetadata,
          // Text and integers come from both drivers as they are kept: the driver's conversion would return them unchanged.
          same: !column.transformer && AS_READ.has(String(column.type)),
        }))),
      );
    return plan;
  }

  private readonly plans = new Map<string, readonly Hydrated[]>();
}

/** Runs a statement of `PreparedSql` in the transaction of `em`: its rows, and how many rows it changed. */
export async function runPrepared(
  em: EntityManager,
  sql: string,
  parameters: readonly unknown[],
): Promise<{ rows: Record<string, unknown>[]; affected: number }> {
  const runner = em.queryRunner;
  if (!runner) throw new Error('a prepared statement runs inside a transaction');
  const sqlite = em.connection.options.type !== 'postgres';
  const result = await runner.query(sql, sqlite ? parameters.map(asBound) : [...parameters], true);
  return { rows: (result.records ?? []) as Record<string, unknown>[], affected: result.affected ?? 0 };
}

/**
 * SQLite: integers bound as INTEGER (a BigInt binds as int64; a plain number would bind as REAL), as
 * `data-source.ts` does for the query builder's parameters.
 */
export const asBound = (value: unknown): unknown => (typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : value);
