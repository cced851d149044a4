import { Column, type ColumnOptions } from 'typeorm';

/**
 * A point in time, stored as milliseconds since the epoch in a BIGINT. The same column type
 * and the same exact instant on SQLite and PostgreSQL, with no time-zone conversion by any
 * driver (PostgreSQL's `timestamp` would be read back in the process's local zone).
 */
export function InstantColumn(options: Pick<ColumnOptions, 'nullable' | 'name'> = {}): PropertyDecorator {
  return Column({
    type: 'bigint',
    ...options,
    transformer: {
      to: (value: Date | null | undefined) => (value == null ? value : value.getTime()),
      // pg returns BIGINT as a string, better-sqlite3 as a number.
      from: (value: string | number | null) => (value == null ? null : new Date(Number(value))),
    },
  });
}
