import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { InstantColumn } from './columns.js';
import { Material } from './Material.js';

/** The same material in another language: one per material and language. */
@Entity('material_translation')
@Unique('uq_translation_language', ['materialId', 'language'])
@Unique('uq_translation_url', ['url'])
export class MaterialTranslation {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  materialId!: number;

  @ManyToOne(() => Material, (m) => m.translations, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'materialId' })
  material?: Relation<Material>;

  @Column({ type: 'varchar', length: 16 })
  language!: string;

  @Column({ type: 'varchar', length: 500 })
  url!: string;

  @InstantColumn()
  createdAt!: Date;
}
