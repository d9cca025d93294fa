import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsUUID, ValidateIf } from 'class-validator';
import { ACTOR_ROLES, type ActorRole } from '../../domain/index.js';
import { EXAMPLE } from './examples.js';
import { IsOmittable, IsText, MAX } from './validators.js';

/** Names an actor in a role: by registry id, by the name reported, or both. */
export class ActorIdentityDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Id in the actor registry.', example: EXAMPLE.actorId })
  @IsOmittable()
  @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({
    description: 'As reported, in any script. Required when there is no actorId.',
    maxLength: MAX.name,
    example: EXAMPLE.victim,
  })
  @ValidateIf((actor: ActorIdentityDto, name) => name !== undefined || actor.actorId === undefined)
  @IsText(MAX.name, { whenMissing: 'an actor needs an actorId or a name' })
  name?: string;

  @ApiProperty({ enum: [...ACTOR_ROLES], enumName: 'ActorRole', example: 'victim' })
  @IsIn(ACTOR_ROLES)
  role: ActorRole;
}

export class ActorRefDto extends ActorIdentityDto {
  @ApiPropertyOptional({ maxLength: MAX.name, example: EXAMPLE.tribe })
  @IsOmittable()
  @IsText(MAX.name)
  affiliation?: string;

  @ApiPropertyOptional({ maxLength: MAX.note, example: 'relative of al-Hafl' })
  @IsOmittable()
  @IsText(MAX.note)
  note?: string;
}
