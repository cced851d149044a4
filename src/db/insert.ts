import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';

/**
 * Inserts one row and returns its generated id, in one round trip on both databases. `em.save` and
 * `em.insert` read the row back on SQLite whenever the entity has a column with a default (SQLite
 * has no RETURNING in TypeORM): one more statement for values the caller just gave. Here PostgreSQL
 * returns the id (`RETURNING "id"`) and SQLite's driver reports the last inserted rowid; nothing
 * else is read back, so every column the caller relies on must be given in `values`.
 */
export async function insertReturningId<T extends ObjectLiteral>(
  em: EntityManager,
  target: EntityTarget<T>,
  values: QueryDeepPartialEntity<T>,
): Promise<number> {
  const qb = em.createQueryBuilder().insert().into(target).values(values).updateEntity(false);
  if (em.connection.options.type === 'postgres') {
    const result = await qb.returning('"id"').execute();
    return Number((result.raw as { id: number | string }[])[0]!.id);
  }
  const result = await qb.execute();
  return Number(result.raw as number | bigint);
}
