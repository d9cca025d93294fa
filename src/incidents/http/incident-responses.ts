import { ApiProperty } from '@nestjs/swagger';

export class IncidentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 3 })
  version: number;

  @ApiProperty({ enum: ['unverified', 'verified', 'disputed', 'retracted'] })
  status: string;

  @ApiProperty({ example: 'assassination' })
  category: string;

  @ApiProperty({ description: 'As recorded: title, summary, translations, occurred, place, actors, fatalities, sources, related, tags, notes.' })
  title: object;

  @ApiProperty()
  recordedAt: Date;

  @ApiProperty()
  lastChangedAt: Date;
}

export class IncidentEventDto {
  @ApiProperty()
  position: number;

  @ApiProperty()
  version: number;

  @ApiProperty({ example: 'incident.corrected' })
  type: string;

  @ApiProperty()
  schemaVersion: number;

  @ApiProperty()
  data: object;

  @ApiProperty({ description: 'actor, requestId, correlationId, causationId' })
  metadata: object;

  @ApiProperty()
  recordedAt: Date;
}

export class IncidentHistoryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: [IncidentEventDto] })
  events: IncidentEventDto[];
}
