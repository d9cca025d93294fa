import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res, type PipeTransform } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiHeader, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { Requires } from '../../access/requires.decorator.js';
import { compact } from '../../common/plain-data.js';
import { RequestValidationError } from '../../common/problem.js';
import { CommandContext, CommandEndpoint, IDEMPOTENCY_KEY_HEADER } from '../../common/http/command-context.js';
import { parseIfMatch, principalIdempotencyKey, requestHash } from '../../common/http/preconditions.js';
import { ExecuteActorCommand, type ActorCommandResult } from '../commands/execute-actor-command.js';
import type { ActorCommand } from '../domain/index.js';
import { GetActor, GetActorHistory, SearchActors } from '../queries/actor-queries.js';
import {
  AddAliasDto,
  ChangeParentDto,
  MergeActorDto,
  RegisterActorDto,
  RemoveAliasDto,
  RenameActorDto,
  UndoMergeDto,
} from './dto/actor-commands.dto.js';
import { SearchActorsDto } from './dto/actor-queries.dto.js';

/** Namespace of actor ids derived from an Idempotency-Key, so a retried POST /actors lands on the same actor. */
const IDEMPOTENT_ACTOR_IDS = '0f6b2d1e-93c4-4a8e-b1d7-5e2a8c9f4b61';

const ActorId: PipeTransform = new ParseUUIDPipe({
  exceptionFactory: () => new RequestValidationError([{ path: 'id', message: 'id must be a UUID' }]),
});

@ApiTags('actors')
@Requires('edit')
@Controller('actors')
export class ActorsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register an actor with its names in every script and spelling' })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiCreatedResponse({ description: 'Registered; Location names the actor. A retry with the same Idempotency-Key gets the first result.' })
  async register(@Body() body: RegisterActorDto, @CommandContext() context: CommandContext): Promise<ActorCommandResult> {
    const { idempotencyKey, metadata } = context;
    const id = idempotencyKey ? uuidv5(principalIdempotencyKey(metadata.actor, idempotencyKey), IDEMPOTENT_ACTOR_IDS) : randomUUID();
    const command: ActorCommand = {
      type: 'RegisterActor',
      data: compact({
        id,
        kind: body.kind,
        names: body.names.map(({ value, language, kind }) => ({ value, language, kind })),
        parent: body.parent && compact({ ...body.parent }),
        acledInter: body.acledInter,
      }),
    };
    const result = await this.execute(id, command, context);
    context.response.location(`/actors/${id}`);
    return result;
  }

  @Requires('read')
  @Get()
  @ApiOperation({ summary: 'Actors ranked by how well one of their names matches q, across scripts and spellings' })
  search(@Query() query: SearchActorsDto) {
    return this.queries.execute(new SearchActors(compact({ q: query.q, kind: query.kind, limit: query.limit })));
  }

  @Requires('read')
  @Get(':id')
  @ApiOperation({ summary: 'The actor with its names, its parent chain, and what it resolves to after merges' })
  @ApiNotFoundResponse({ description: 'No actor has this id.' })
  async get(@Param('id', ActorId) id: string, @Res({ passthrough: true }) response: Response) {
    const actor = await this.queries.execute(new GetActor(id));
    response.setHeader('ETag', `"${actor.version}"`);
    return actor;
  }

  @Requires('read_history')
  @Get(':id/history')
  @ApiOperation({ summary: "The actor's events in order: who changed what, when and why" })
  @ApiNotFoundResponse({ description: 'No actor has this id.' })
  async history(@Param('id', ActorId) id: string) {
    return { id, events: await this.queries.execute(new GetActorHistory(id)) };
  }

  @Post(':id/aliases')
  @CommandEndpoint('Add another name: an alias, a transliteration or an abbreviation', 'actor')
  addAlias(@Param('id', ActorId) id: string, @Body() body: AddAliasDto, @CommandContext() context: CommandContext) {
    const name = { value: body.value, language: body.language, kind: body.kind };
    return this.execute(id, { type: 'AddAlias', data: { name } }, context);
  }

  @Post(':id/aliases/removals')
  @CommandEndpoint('Remove a name that is not primary', 'actor')
  removeAlias(@Param('id', ActorId) id: string, @Body() body: RemoveAliasDto, @CommandContext() context: CommandContext) {
    const name = { value: body.value, language: body.language };
    return this.execute(id, { type: 'RemoveAlias', data: compact({ name, reason: body.reason }) }, context);
  }

  @Post(':id/renames')
  @CommandEndpoint('Give the actor a new primary name in a language; the old one stays as an alias', 'actor')
  rename(@Param('id', ActorId) id: string, @Body() body: RenameActorDto, @CommandContext() context: CommandContext) {
    const name = { value: body.value, language: body.language };
    return this.execute(id, { type: 'RenameActor', data: compact({ name, reason: body.reason }) }, context);
  }

  @Post(':id/parent')
  @CommandEndpoint('Set or clear the organisation the actor belongs to', 'actor')
  changeParent(@Param('id', ActorId) id: string, @Body() body: ChangeParentDto, @CommandContext() context: CommandContext) {
    const parent = body.parent && compact({ actorId: body.parent.actorId, relation: body.parent.relation, title: body.parent.title });
    return this.execute(id, { type: 'ChangeParent', data: compact({ parent, reason: body.reason }) }, context);
  }

  @Post(':id/merge')
  @CommandEndpoint('Merge a duplicate into another actor; references to it then resolve to the survivor', 'actor')
  merge(@Param('id', ActorId) id: string, @Body() body: MergeActorDto, @CommandContext() context: CommandContext) {
    return this.execute(id, { type: 'MergeActor', data: { survivorId: body.survivorId, reason: body.reason } }, context);
  }

  @Post(':id/merge/undo')
  @CommandEndpoint('Undo a merge with a later event; the merge stays in the history', 'actor')
  undoMerge(@Param('id', ActorId) id: string, @Body() body: UndoMergeDto, @CommandContext() context: CommandContext) {
    return this.execute(id, { type: 'UndoMerge', data: { reason: body.reason } }, context);
  }

  private async execute(id: string, command: ActorCommand, context: CommandContext): Promise<ActorCommandResult> {
    const { metadata, ifMatch, idempotencyKey, rawBody, response } = context;
    const result = await this.commands.execute(
      new ExecuteActorCommand(id, command, {
        metadata,
        expectedVersion: parseIfMatch(ifMatch),
        idempotency: idempotencyKey
          ? { key: principalIdempotencyKey(metadata.actor, idempotencyKey), requestHash: requestHash(command.type, rawBody) }
          : undefined,
      }),
    );
    response.setHeader('ETag', `"${result.version}"`);
    return result;
  }
}

