import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsObject, IsUUID, ValidateIf, ValidateNested } from 'class-validator';
import { IsOmittable, IsText, MAX } from '../../../incidents/http/dto/validators.js';
import {
  ACLED_INTER_CODES,
  ACTOR_KINDS,
  NAME_KINDS,
  PARENT_RELATIONS,
  type AcledInterCode,
  type ActorKind,
  type NameKind,
  type ParentRelation,
} from '../../domain/index.js';
import { ActorNameDto, NameRefDto } from './actor-name.dto.js';

export class ActorParentDto {
  @ApiProperty({ format: 'uuid', description: 'The organisation this actor belongs to.' })
  @IsUUID()
  actorId: string;

  @ApiProperty({ enum: [...PARENT_RELATIONS], enumName: 'ParentRelation', example: 'leader_of' })
  @IsIn(PARENT_RELATIONS)
  relation: ParentRelation;

  @ApiPropertyOptional({ description: 'The position held, as reported.', maxLength: MAX.name, example: 'sheikh' })
  @IsOmittable()
  @IsText(MAX.name)
  title?: string;
}

export class RegisterActorDto {
  @ApiProperty({ enum: [...ACTOR_KINDS], enumName: 'ActorKind', example: 'tribe' })
  @IsIn(ACTOR_KINDS)
  kind: ActorKind;

  @ApiProperty({ type: [ActorNameDto], description: 'At least one primary name; at most one primary per language.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ActorNameDto)
  names: ActorNameDto[];

  @ApiPropertyOptional({ type: ActorParentDto })
  @IsOmittable()
  @ValidateNested()
  @Type(() => ActorParentDto)
  parent?: ActorParentDto;

  @ApiPropertyOptional({ enum: [...ACLED_INTER_CODES], description: "ACLED's interaction code (1 state forces .. 8 external/other forces)." })
  @IsOmittable()
  @IsInt()
  @IsIn(ACLED_INTER_CODES)
  acledInter?: AcledInterCode;
}

const ALIAS_KINDS = NAME_KINDS.filter((kind) => kind !== 'primary');

export class AddAliasDto extends NameRefDto {
  @ApiProperty({ enum: ALIAS_KINDS, example: 'transliteration', description: 'A primary name is changed by renaming.' })
  @IsIn(ALIAS_KINDS)
  kind: Exclude<NameKind, 'primary'>;
}

export class RemoveAliasDto extends NameRefDto {
  @ApiPropertyOptional({ maxLength: MAX.reason })
  @IsOmittable()
  @IsText(MAX.reason)
  reason?: string;
}

export class RenameActorDto extends NameRefDto {
  @ApiPropertyOptional({ maxLength: MAX.reason, example: 'the group renamed itself' })
  @IsOmittable()
  @IsText(MAX.reason)
  reason?: string;
}

export class ChangeParentDto {
  @ApiProperty({ type: ActorParentDto, nullable: true, description: 'null: the actor no longer belongs to another.' })
  @ValidateIf((_, parent) => parent !== null)
  @IsObject({ message: 'parent must be an object, or null to clear it' })
  @ValidateNested()
  @Type(() => ActorParentDto)
  parent: ActorParentDto | null;

  @ApiPropertyOptional({ maxLength: MAX.reason })
  @IsOmittable()
  @IsText(MAX.reason)
  reason?: string;
}

export class MergeActorDto {
  @ApiProperty({ format: 'uuid', description: 'The actor this one duplicates; every reference resolves to it.' })
  @IsUUID()
  survivorId: string;

  @ApiProperty({ maxLength: MAX.reason, example: 'the same tribe registered twice' })
  @IsText(MAX.reason)
  reason: string;
}

export class UndoMergeDto {
  @ApiProperty({ maxLength: MAX.reason, example: 'merged by mistake: two different clans' })
  @IsText(MAX.reason)
  reason: string;
}
