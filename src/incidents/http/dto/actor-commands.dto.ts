import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsUUID, ValidateNested } from 'class-validator';
import { ActorIdentityDto, ActorRefDto } from './actor-ref.dto.js';
import { EXAMPLE } from './examples.js';
import { IsOmittable, IsText, MAX } from './validators.js';

/** POST /incidents/:id/actors */
export class AddActorDto {
  @ApiProperty({ type: () => ActorRefDto, example: { name: EXAMPLE.tribe, role: 'target' } })
  @IsObject()
  @ValidateNested()
  @Type(() => ActorRefDto)
  actor: ActorRefDto;

  @ApiPropertyOptional({ maxLength: MAX.reason, example: 'The report speaks of tribal notables as targets.' })
  @IsOmittable()
  @IsText(MAX.reason)
  reason?: string;

  @ApiPropertyOptional({ format: 'uuid', example: EXAMPLE.sourceId })
  @IsOmittable()
  @IsUUID()
  sourceId?: string;
}

/** POST /incidents/:id/actors/removals: the actor as identified in the incident, and why. */
export class RemoveActorDto {
  @ApiProperty({ type: () => ActorIdentityDto, example: { name: EXAMPLE.tribe, role: 'target' } })
  @IsObject()
  @ValidateNested()
  @Type(() => ActorIdentityDto)
  actor: ActorIdentityDto;

  @ApiProperty({ maxLength: MAX.reason, example: 'The tribe was not itself targeted.' })
  @IsText(MAX.reason)
  reason: string;
}

/** POST /incidents/:id/actors/identifications: link an actor reference to the registry. */
export class IdentifyActorDto {
  @ApiProperty({ type: () => ActorIdentityDto, example: { name: EXAMPLE.victim, role: 'victim' } })
  @IsObject()
  @ValidateNested()
  @Type(() => ActorIdentityDto)
  actor: ActorIdentityDto;

  @ApiProperty({ format: 'uuid', description: 'The registry actor the reference means.', example: EXAMPLE.actorId })
  @IsUUID()
  actorId: string;

  @ApiProperty({ maxLength: MAX.reason, example: 'The victim is the sheikh of the Akidat, as the second report says.' })
  @IsText(MAX.reason)
  reason: string;

  @ApiPropertyOptional({ format: 'uuid', example: EXAMPLE.sourceId })
  @IsOmittable()
  @IsUUID()
  sourceId?: string;
}
