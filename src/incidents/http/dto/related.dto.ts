import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { INCIDENT_RELATIONS, type IncidentRelation } from '../../domain/index.js';
import { EXAMPLE } from './examples.js';

export class RelatedDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE.incidentId })
  @IsUUID()
  incidentId: string;

  @ApiProperty({ enum: [...INCIDENT_RELATIONS], enumName: 'IncidentRelation', example: 'part_of' })
  @IsIn(INCIDENT_RELATIONS)
  relation: IncidentRelation;
}
