import { ApiProperty } from '@nestjs/swagger';

export class CommandResultDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ description: 'The incident version after the change (also the ETag).', example: 1 })
  version: number;

  @ApiProperty({ description: 'Global log position of the last event written.', example: 1042 })
  position: number;
}

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
