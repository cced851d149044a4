import { Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from './columns.js';

/**
 * A signed Slack request already run, by its signature (`v0=` and an HMAC of its timestamp and
 * body), kept for 10 minutes: a replay of the same request inside Slack's 5-minute window finds
 * its row and runs nothing. The primary key decides between processes sharing the database.
 */
@Entity('seen_request')
@Index('ix_seen_request_at', ['seenAt'])
export class SeenRequest {
  @PrimaryColumn({ type: 'varchar', length: 80 })
  signature!: string;

  @InstantColumn()
  seenAt!: Date;
}
