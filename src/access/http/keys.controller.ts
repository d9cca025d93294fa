import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsString, Matches } from 'class-validator';
import { IsOmittable, IsText } from '../../incidents/http/dto/validators.js';
import { ProblemError, problemType } from '../../common/problem.js';
import { ApiKeys, KEY_NAME, KeyNameTakenError, KeyNotFoundError, type ApiKeyRecord } from '../api-keys.js';
import { CurrentPrincipal, Requires } from '../requires.decorator.js';
import { may, PERMISSIONS, ROLES, type Principal, type Role } from '../roles.js';

export class CreateKeyDto {
  @ApiProperty({ description: 'Who or what holds the key; recorded as the author of its writes. Never reused.', example: 'amina@syria-desk' })
  @IsString()
  @Matches(KEY_NAME, { message: 'name must be 1 to 100 letters, digits or ._@+- and start with a letter or digit' })
  name: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;
}

export class RevokeKeyDto {
  @ApiPropertyOptional({ description: 'Why, for whoever reads the list of keys later.', example: 'laptop lost' })
  @IsOmittable()
  @IsText(500)
  reason?: string;
}

export class ApiKeyDto {
  @ApiProperty() name: string;
  @ApiProperty({ enum: ROLES }) role: string;
  @ApiProperty() createdAt: Date;
  @ApiProperty() createdBy: string;
  @ApiPropertyOptional() revokedAt?: Date;
  @ApiPropertyOptional() revokedBy?: string;
  @ApiPropertyOptional() revokedReason?: string;
}

export class PrincipalDto {
  @ApiProperty({ description: "The key's name; `public` for a request without a key under PUBLIC_READ." }) name: string;
  @ApiProperty({ enum: ROLES }) role: string;
  @ApiProperty({ enum: PERMISSIONS, isArray: true, description: 'What the role may do: a page shows the controls these allow.' })
  permissions: string[];
}

export class CreatedKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The key. It is shown this once: only its hash is kept.' })
  key: string;
}

@ApiTags('keys')
@Requires('admin')
@Controller('keys')
export class KeysController {
  constructor(private readonly keys: ApiKeys) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key with a role; the answer holds the key, shown this once' })
  @ApiCreatedResponse({ type: CreatedKeyDto })
  @ApiConflictResponse({ description: 'A key with this name exists (revoked keys keep their names).' })
  async create(@Body() body: CreateKeyDto, @CurrentPrincipal() principal: Principal): Promise<CreatedKeyDto> {
    try {
      const { key, record } = await this.keys.create(body.name, body.role, principal.name);
      return { ...toDto(record), key };
    } catch (error) {
      if (error instanceof KeyNameTakenError) {
        throw new ProblemError({ type: problemType('key-name-taken'), title: 'Key name taken', status: HttpStatus.CONFLICT, detail: error.message });
      }
      throw error;
    }
  }

  @Get('me')
  @Requires('read')
  @ApiOperation({ summary: 'The key this request was made with: its name, role and permissions (never the key)' })
  @ApiOkResponse({ type: PrincipalDto })
  me(@CurrentPrincipal() principal: Principal): PrincipalDto {
    return { name: principal.name, role: principal.role, permissions: PERMISSIONS.filter((permission) => may(principal, permission)) };
  }

  @Get()
  @ApiOperation({ summary: 'Every key ever created, revoked ones included, without the keys themselves' })
  @ApiOkResponse({ type: [ApiKeyDto] })
  async list(): Promise<ApiKeyDto[]> {
    return (await this.keys.list()).map(toDto);
  }

  @Post(':name/revocation')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Revoke a key: it stops working at once, in every process' })
  @ApiOkResponse({ type: ApiKeyDto })
  @ApiNotFoundResponse({ description: 'No key has this name.' })
  async revoke(@Param('name') name: string, @Body() body: RevokeKeyDto, @CurrentPrincipal() principal: Principal): Promise<ApiKeyDto> {
    try {
      return toDto(await this.keys.revoke(name, principal.name, body.reason));
    } catch (error) {
      if (error instanceof KeyNotFoundError) {
        throw new ProblemError({ type: problemType('key-not-found'), title: 'No such key', status: HttpStatus.NOT_FOUND, detail: error.message });
      }
      throw error;
    }
  }
}

function toDto({ id: _id, ...record }: ApiKeyRecord): ApiKeyDto {
  return record;
}
