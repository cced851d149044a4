import type { DataSource, EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';

/** The table of an entity as SQL: its path (with the schema on PostgreSQL, when the DataSource has one), quoted. */
export type TableName = (target: EntityTarget<ObjectLiteral>) => string;

/**
 * One of the few statements every command of a hot path sends (a Slack `/ask`: the request's
 * signature, the block and rate-limit read, the question, its outbox row, the post's record), as
 * fixed SQL sent with `em.query`: the same statement the query builder made, without building it
 * again on every call (TypeORM's query building and result mapping cost several times the
 * statement itself on SQLite; see BENCHMARKS.md, `orm_vs_raw`).
 *
 * Written once with `?` placeholders and table names from the entities' metadata; on PostgreSQL
 * the placeholders become `$1`, `$2`… (so the SQL holds no other `?`: no literal, no jsonb operator). Parameters are bound as TypeORM binds them (see
 * `data-source.ts`): a Date as its milliseconds (our `InstantColumn`), and on SQLite a safe
 * integer as a BigInt, so SQLite sees an INTEGER, as from the query builder.
 */
export class FixedSql {
  private readonly texts = new WeakMap<DataSource, string>();

  constructor(private readonly build: (table: TableName, postgres: boolean, db: DataSource) => string) {}

  /** The statement's text on this DataSource. */
  text(db: DataSource): string {
    let text = this.texts.get(db);
    if (text === undefined) {
      const postgres = db.options.type === 'postgres';
      const table: TableName = (target) =>
        db
          .getMetadata(target)
          .tablePath.split('.')
          .map((part) => `"${part}"`)
          .join('.');
      text = this.build(table, postgres, db);
      if (postgres) {
        let n = 0;
        text = text.replace(/\?/g, () => `$${++n}`);
      }
      this.texts.set(db, text);
    }
    return text;
  }

  /** Sends it through `em` (its transaction, if it has one); what the driver returns (rows for a read). */
  run<T = unknown>(em: EntityManager, parameters: readonly unknown[]): Promise<T> {
    const sqlite = em.connection.options.type !== 'postgres';
    return em.query(this.text(em.connection), parameters.map(sqlite ? forSqlite : forPostgres)) as Promise<T>;
  }

  /** Sends a write through `em` (in its transaction): how many rows it changed. */
  async change(em: EntityManager, parameters: readonly unknown[]): Promise<number> {
    const runner = em.queryRunner ?? em.connection.createQueryRunner();
    try {
      const sqlite = em.connection.options.type !== 'postgres';
      const result = await runner.query(this.text(em.connection), parameters.map(sqlite ? forSqlite : forPostgres), true);
      return result.affected ?? 0;
    } finally {
      if (!em.queryRunner) await runner.release();
    }
  }

  /**
   * An INSERT of one row whose id is generated: the id, in one round trip (the last inserted rowid
   * on SQLite; on PostgreSQL the statement ends with `RETURNING "id"`, see `returningId`).
   */
  async insert(em: EntityManager, parameters: readonly unknown[]): Promise<number> {
    const raw = await this.run<number | bigint | { id: number | string }[]>(em, parameters);
    return Number(Array.isArray(raw) ? raw[0]!.id : raw);
  }
}

/**
 * SQLite: a safe integer bound as an INTEGER (a BigInt binds as int64; a plain number would bind as REAL),
 * as `data-source.ts` binds the query builder's parameters.
 */
export const asBound = (value: unknown): unknown => (typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : value);

const forSqlite = (value: unknown): unknown => (value instanceof Date ? BigInt(value.getTime()) : asBound(value));

const forPostgres = (value: unknown): unknown => (value instanceof Date ? value.getTime() : value);

/** `"a", "b", "c"` and `?, ?, ?` for an INSERT of these columns. */
export function columnList(columns: readonly string[]): { names: string; marks: string } {
  return { names: columns.map((c) => `"${c}"`).join(', '), marks: columns.map(() => '?').join(', ') };
}

/** What ends an INSERT whose generated id `FixedSql.insert` returns: nothing on SQLite, `RETURNING "id"` on PostgreSQL. */
export const returningId = (postgres: boolean): string => (postgres ? ' RETURNING "id"' : '');

interface RowShape {
  /** The INSERT of every column but the generated id. */
  readonly insert: FixedSql;
  readonly columns: readonly ColumnMetadata[];
}

const shapes = new WeakMap<DataSource, Map<EntityTarget<ObjectLiteral>, RowShape>>();

function shapeOf(db: DataSource, target: EntityTarget<ObjectLiteral>): RowShape {
  let byTarget = shapes.get(db);
  if (!byTarget) shapes.set(db, (byTarget = new Map()));
  let shape = byTarget.get(target);
  if (!shape) {
    const columns = db.getMetadata(target).columns.filter((c) => !c.isGenerated);
    const { names, marks } = columnList(columns.map((c) => c.databaseName));
    const insert = new FixedSql((table, postgres) => `INSERT INTO ${table(target)}(${names}) VALUES (${marks})${returningId(postgres)}`);
    byTarget.set(target, (shape = { insert, columns }));
  }
  return shape;
}

/**
 * Inserts one row of an entity with a generated id, every other column given in `values` (as an
 * entity or plain object of its properties; a column left undefined is an error, not its default),
 * and returns the id, in one round trip on both databases (TypeORM's `em.insert` reads the row back
 * on SQLite when a column has a default). Values go through the columns' transformers, as with
 * TypeORM's insert.
 */
export function insertRow<T extends ObjectLiteral>(em: EntityManager, target: EntityTarget<T>, values: Partial<T>): Promise<number> {
  const shape = shapeOf(em.connection, target);
  const parameters = shape.columns.map((c) => {
    const value = c.getEntityValue(values, true) as unknown;
    if (value === undefined) throw new Error(`insertRow: no value for ${c.propertyName}`);
    return value;
  });
  return shape.insert.insert(em, parameters);
}

/**
 * An entity from a row read with fixed SQL whose columns are named as the entity's database columns,
 * after `prefix` (see `selectColumns`): each value as TypeORM hydrates it (the driver's conversion, then
 * the column's transformer).
 */
export function hydrate<T extends ObjectLiteral>(db: DataSource, target: EntityTarget<T>, row: Record<string, unknown>, prefix = ''): T {
  const metadata = db.getMetadata(target);
  const entity = metadata.create() as Record<string, unknown>;
  for (const { key, column, plain, same } of hydration(metadata, prefix)) {
    const value = same ? row[key] : db.driver.prepareHydratedValue(row[key], column);
    if (plain) entity[column.propertyName] = value;
    else column.setEntityValue(entity, value);
  }
  return entity as T;
}

/** A column as `hydrate` fills it. */
interface Hydrated {
  /** The name it is selected as. */
  readonly key: string;
  readonly column: ColumnMetadata;
  /** A property of the entity itself (not of an embedded object). */
  readonly plain: boolean;
  /** Taken as the driver returns it: text and integers, which both drivers' conversion would return unchanged. */
  readonly same: boolean;
}

const AS_READ = new Set(['varchar', 'text', 'integer', 'int']);
const hydrations = new WeakMap<EntityMetadata, Map<string, readonly Hydrated[]>>();

/** Worked out once per entity and prefix: building the names for every row cost more than the rest of hydrating it. */
function hydration(metadata: EntityMetadata, prefix: string): readonly Hydrated[] {
  let byPrefix = hydrations.get(metadata);
  if (!byPrefix) hydrations.set(metadata, (byPrefix = new Map()));
  let plan = byPrefix.get(prefix);
  if (!plan)
    byPrefix.set(
      prefix,
      (plan = metadata.columns.map((column) => ({
        key: `${prefix}${column.databaseName}`,
        column,
        plain: !column.embeddedMetadata,
        same: !column.transformer && AS_READ.has(String(column.type)),
      }))),
    );
  return plan;
}

/** `"alias"."column" AS "<prefix>column"`, for every column of an entity: what `hydrate` reads. */
export function selectColumns(db: DataSource, target: EntityTarget<ObjectLiteral>, alias: string, prefix = ''): string {
  return db
    .getMetadata(target)
    .columns.map((c) => `"${alias}"."${c.databaseName}" AS "${prefix}${c.databaseName}"`)
    .join(', ');
}
