import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn } from './columns.js';

/**
 * One moderator action: who, what, when, on what. The actor is the moderator (moderators
 * act openly); an entry never names an anonymous asker, only the question's number.
 */
@Entity('audit_entry')
@Index('ix_audit_at', ['at'])
@Index('ix_audit_chapter', ['chapterId', 'at'])
@Index('ix_audit_actor', ['platform', 'workspace', 'actorId'])
export class AuditEntry {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** The chapter of what was touched, so its moderators see what was done to it; null for entries written before. */
  @Column({ type: 'integer', nullable: true })
  chapterId!: number | null;

  @Column({ type: 'varchar', length: 16 })
  platform!: string;

  @Column({ type: 'varchar', length: 64 })
  workspace!: string;

  @Column({ type: 'varchar', length: 64 })
  actorId!: string;

  @Column({ type: 'varchar', length: 100 })
  actorName!: string;

  /** The command, e.g. `chapter create`. */
  @Column({ type: 'varchar', length: 64 })
  action!: string;

  /** What it touched, e.g. `chapter:Berlin`, `question:12`. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  target!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  details!: string | null;

  @InstantColumn()
  at!: Date;
}
