import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

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

  @ApiPropertyOptional({ description: 'The asOf asked for, when the incident is shown as it stood then.' })
  asOf?: Date;
}

/** Any JSON value: a field's value before or after a change. */
const ANY_JSON = { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'object' }, { type: 'array', items: {} }] };

export class FieldChangeDto {
  @ApiProperty({
    description:
      'The field, down to the innermost one that changed. A removed list item is named by its index before the ' +
      'event, an added or changed one by its index after it.',
    example: 'fatalities.best',
  })
  path: string;

  @ApiPropertyOptional({ ...ANY_JSON, description: 'The value before; absent when the field was added.', example: 2 })
  before?: unknown;

  @ApiPropertyOptional({ ...ANY_JSON, description: 'The value after; absent when the field was removed.', example: 3 })
  after?: unknown;
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

  @ApiPropertyOptional({ description: 'Who recorded the event (metadata.actor).', example: 'editor-1' })
  by?: string;

  @ApiPropertyOptional({ description: 'The reason the event gives, if any.', example: 'A third person may have died.' })
  reason?: string;

  @ApiPropertyOptional({
    description:
      'The source the event cites (its sourceId), as the incident held it then; for incident.source_attached, the ' +
      'source attached. Just { id } when the incident has no such source.',
    type: 'object',
    additionalProperties: true,
  })
  source?: object;

  @ApiProperty({
    type: [FieldChangeDto],
    description: "What the event changed in the incident, from folding its events before and after it; the recording event's changes have no before.",
  })
  changes: FieldChangeDto[];
}

export class IncidentHistoryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: [IncidentEventDto] })
  events: IncidentEventDto[];
}
