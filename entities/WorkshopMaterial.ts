import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { Workshop } from './Workshop.js';
import { Material } from './Material.js';

/** A material a workshop uses, so learners can prepare. */
@Entity('workshop_material')
@Unique('uq_workshop_material', ['workshopId', 'materialId'])
export class WorkshopMaterial {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  workshopId!: number;

  @ManyToOne(() => Workshop, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workshopId' })
  workshop?: Relation<Workshop>;

  @Column({ type: 'integer' })
  materialId!: number;

  @ManyToOne(() => Material, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'materialId' })
  material?: Relation<Material>;
}
