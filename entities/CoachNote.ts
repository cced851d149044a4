import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { InstantColumn } from './columns.js';
import { Member } from './Member.js';
import { Workshop } from './Workshop.js';

/** `named`: on the public record with the coach's name; `anonymous`: without it; `private`: in the report only. */
export const NOTE_PUBLISHING = ['named', 'anonymous', 'private'] as const;
export type NotePublishing = (typeof NOTE_PUBLISHING)[number];

/**
 * A coach's note on a workshop they coached: what was taught, how it went, what to change. One
 * per coach and workshop, changeable. An erased coach's note stays for the chapter's record,
 * without them (`memberId` null, and never named).
 */
@Entity('coach_note')
@Unique('uq_coach_note', ['workshopId', 'memberId'])
export class CoachNote {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  workshopId!: number;

  @ManyToOne(() => Workshop, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workshopId' })
  workshop?: Relation<Workshop>;

  @Column({ type: 'integer', nullable: true })
  memberId!: number | null;

  @ManyToOne(() => Member, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'memberId' })
  member?: Relation<Member> | null;

  /** Topics taught, comma-separated as typed. */
  @Column({ type: 'varchar', length: 300, nullable: true })
  taught!: string | null;

  /** Ids of the materials used, comma-separated (the workshop's or the directory's). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  materials!: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  went!: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  change!: string | null;

  @Column({ type: 'varchar', length: 16 })
  publish!: NotePublishing;

  @InstantColumn()
  updatedAt!: Date;
}
