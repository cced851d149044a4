import { Column, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { InstantColumn } from './columns.js';
import { Member } from './Member.js';
import { MaterialTranslation } from './MaterialTranslation.js';

export const MATERIAL_LEVELS = ['beginner', 'intermediate', 'advanced'] as const;
export type MaterialLevel = (typeof MATERIAL_LEVELS)[number];

/** Teaching material shared under an open license: one row per URL (unique, normalised). */
@Entity('material')
@Unique('uq_material_url', ['url'])
@Index('ix_material_topic', ['topic'])
@Index('ix_material_added_by', ['addedById'])
export class Material {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 150 })
  title!: string;

  @Column({ type: 'varchar', length: 500 })
  url!: string;

  @Column({ type: 'varchar', length: 64 })
  topic!: string;

  /** A language code as typed, lower-cased (`en`, `de`, `pt-br`). */
  @Column({ type: 'varchar', length: 16 })
  language!: string;

  @Column({ type: 'varchar', length: 16, nullable: true })
  level!: MaterialLevel | null;

  /** An SPDX id from the open licenses the community accepts (src/services/materials.ts). */
  @Column({ type: 'varchar', length: 32 })
  license!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  description!: string | null;

  /**
   * The chapter bound where it was added: its moderators may remove it. Null for materials added
   * before, or where no chapter was bound: those belong to the whole directory (README).
   */
  @Column({ type: 'integer', nullable: true })
  chapterId!: number | null;

  /** Who added it; null once that member is gone. Never shown on the public page. */
  @Column({ type: 'integer', nullable: true })
  addedById!: number | null;

  @ManyToOne(() => Member, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'addedById' })
  addedBy?: Relation<Member> | null;

  @InstantColumn()
  createdAt!: Date;

  @OneToMany(() => MaterialTranslation, (t) => t.material)
  translations?: Relation<MaterialTranslation>[];
}
