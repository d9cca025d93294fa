import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res, type PipeTransform } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { ActorDirectory } from '../../actors/queries/actor-directory.js';
import { RequestValidationError } from '../../common/problem.js';
import { CurrentReader, Requires } from '../../access/requires.decorator.js';
import type { Reader } from '../../audit/access-log/access-log.js';
import { ExecuteIncidentCommand, type CommandResult } from '../commands/execute-incident-command.js';
import type { IncidentCommand } from '../domain/index.js';
import { GetIncident, type PointInTime } from '../queries/get-incident.js';
import { GetIncidentHistory } from '../queries/get-incident-history.js';
import { CommandContext, CommandEndpoint, CommandResultDto, IDEMPOTENCY_KEY_HEADER } from '../../common/http/command-context.js';
import {
  AddActorDto,
  AttachSourceDto,
  CorrectIncidentDto,
  DisputeIncidentDto,
  IdentifyActorDto,
  LinkIncidentDto,
  RecordIncidentDto,
  RemoveActorDto,
  RetractIncidentDto,
  ReviseFatalitiesDto,
  VerifyIncidentDto,
} from './dto/index.js';
import { IncidentPointInTimeDto } from './dto/incident-queries.dto.js';
import {
  toAddActor,
  toAttachSource,
  toCorrectIncident,
  toDisputeIncident,
  toIdentifyActor,
  toLinkIncident,
  toRecordIncident,
  toRemoveActor,
  toRetractIncident,
  toReviseFatalities,
  toVerifyIncident,
} from './dto/to-command.js';
import { IncidentDto, IncidentHistoryDto } from './incident-responses.js';
import { parseIfMatch, principalIdempotencyKey, requestHash } from '../../common/http/preconditions.js';

/**
 * Namespace of incident ids derived from an Idempotency-Key: a retried POST /incidents lands on
 * the same stream, where the store recognises the key.
 */
const IDEMPOTENT_INCIDENT_IDS = 'a3e5c1f2-6d0b-4f4e-9a57-2c1f1b7e8d90';

const IncidentId: PipeTransform = new ParseUUIDPipe({
  exceptionFactory: () => new RequestValidationError([{ path: 'id', message: 'id must be a UUID' }]),
});

@ApiTags('incidents')
@ApiBadRequestResponse({ description: 'Invalid request: problem+json with one entry per bad field.' })
@ApiPayloadTooLargeResponse({ description: 'The body is over 1 MiB.' })
@Controller('incidents')
export class IncidentsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly actors: ActorDirectory,
  ) {}

  @Requires('record')
  @Post()
  @ApiOperation({ summary: 'Record an incident from a report' })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiCreatedResponse({ type: CommandResultDto, description: 'Recorded; Location names the incident.' })
  @ApiUnprocessableEntityResponse({ description: 'The Idempotency-Key was used for another request.' })
  async record(@Body() body: RecordIncidentDto, @CommandContext() context: CommandContext): Promise<CommandResult> {
    const { idempotencyKey, metadata } = context;
    const id = idempotencyKey ? uuidv5(principalIdempotencyKey(metadata.actor, idempotencyKey), IDEMPOTENT_INCIDENT_IDS) : randomUUID();
    const result = await this.execute(id, toRecordIncident(body, { id, newSourceId: randomUUID }), context);
    context.response.location(`/incidents/${id}`);
    return result;
  }

  @Requires('read')
  @Get(':id')
  @ApiOperation({
    summary: 'The incident as it stands now, its version the ETag; or as it stood at a time (asOf) or a version',
    description:
      'With asOf or version the incident is folded from its events up to then, and no ETag is sent: a past ' +
      'version is no base for a change. Registry actors are named as the registry knows them now.',
  })
  @ApiOkResponse({
    type: IncidentDto,
    headers: { ETag: { description: 'The current version ("3"), only without asOf and version.', schema: { type: 'string' } } },
  })
  @ApiNotFoundResponse({ description: 'No incident has this id, it was recorded after asOf, or it has not reached version.' })
  async get(
    @Param('id', IncidentId) id: string,
    @Query() query: IncidentPointInTimeDto,
    @Res({ passthrough: true }) response: Response,
    @CurrentReader() reader: Reader,
  ) {
    const at = pointInTime(query);
    const { state, version, recordedAt, lastChangedAt } = await this.queries.execute(new GetIncident(id, reader, at));
    if (!at) response.setHeader('ETag', `"${version}"`);
    const asOf = at && 'asOf' in at ? at.asOf : undefined;
    if (state.status === 'not_recorded') return { id, version, asOf };
    // The actor each registry id means now: a merged duplicate reads as its survivor.
    const survivors = await this.actors.survivors(state.actors.flatMap((actor) => actor.actorId ?? []));
    const actors = state.actors.map((actor) => {
      const registryActor = actor.actorId ? survivors.get(actor.actorId) : undefined;
      return registryActor ? { ...actor, registryActor } : actor;
    });
    return { ...state, actors, id, version, recordedAt, lastChangedAt, asOf };
  }

  @Requires('read_history')
  @Get(':id/history')
  @ApiOperation({
    summary: "The incident's events in order: what each changed, field by field, who recorded it, when, why and on what source",
  })
  @ApiOkResponse({ type: IncidentHistoryDto })
  @ApiNotFoundResponse({ description: 'No incident has this id.' })
  async history(@Param('id', IncidentId) id: string, @CurrentReader() reader: Reader) {
    return { id, events: await this.queries.execute(new GetIncidentHistory(id, reader)) };
  }

  @Requires('edit')
  @Post(':id/corrections')
  @CommandEndpoint('Correct fields of the incident, giving a reason')
  correct(@Param('id', IncidentId) id: string, @Body() body: CorrectIncidentDto, @CommandContext() context: CommandContext) {
    return this.execute(id, toCorrectIncident(body), context);
  }

  @Requires('edit')
  @Post(':id/fatalities')
  @CommandEndpoint('Revise the fatality estimates, giving a reason')
  reviseFatalities(
    @Param('id', IncidentId) id: string,
    @Body() body: ReviseFatalitiesDto,
    @CommandContext() context: CommandContext,
  ) {
    return this.execute(id, toReviseFatalities(body), context);
  }

  @Requires('record')
  @Post(':id/sources')
  @CommandEndpoint('Attach another source')
  attachSource(@Param('id', IncidentId) id: string, @Body() body: AttachSourceDto, @CommandContext() context: CommandContext) {
    return this.execute(id, toAttachSource(body, { newSourceId: randomUUID }), context);
  }

  @Requires('edit')
  @Post(':id/actors')
  @CommandEndpoint('Add an actor in a role')
  addActor(@Param('id', IncidentId) id: string, @Body() body: AddActorDto, @CommandContext() context: CommandContext) {
    return this.execute(id, toAddActor(body), context);
  }

  @Requires('edit')
  @Post(':id/actors/removals')
  @CommandEndpoint('Remove an actor from a role, giving a reason')
  removeActor(@Param('id', IncidentId) id: string, @Body() body: RemoveActorDto, @CommandContext() context: CommandContext) {
    return this.execute(id, toRemoveActor(body), context);
  }

  @Requires('edit')
  @Post(':id/actors/identifications')
  @CommandEndpoint('Link an actor reference (a name kept as reported) to the registry, giving a reason')
  identifyActor(
    @Param('id', IncidentId) id: string,
    @Body() body: IdentifyActorDto,
    @CommandContext() context: CommandContext,
  ) {
    return this.execute(id, toIdentifyActor(body), context);
  }

  @Requires('edit')
  @Post(':id/links')
  @CommandEndpoint('Link to another incident: refers to, responds to, part of, duplicate of')
  link(@Param('id', IncidentId) id: string, @Body() body: LinkIncidentDto, @CommandContext() context: CommandContext) {
    return this.execute(id, toLinkIncident(body), context);
  }

  @Requires('edit')
  @Post(':id/verification')
  @CommandEndpoint('Mark the incident verified on its sources')
  verify(@Param('id', IncidentId) id: string, @Body() body: VerifyIncidentDto, @CommandContext() context: CommandContext) {
    return this.execute(id, toVerifyIncident(body), context);
  }

  @Requires('edit')
  @Post(':id/dispute')
  @CommandEndpoint('Dispute the incident, giving a reason')
  dispute(@Param('id', IncidentId) id: string, @Body() body: DisputeIncidentDto, @CommandContext() context: CommandContext) {
    return this.execute(id, toDisputeIncident(body), context);
  }

  @Requires('edit')
  @Post(':id/retraction')
  @CommandEndpoint('Retract the incident, giving a reason; its history stays')
  retract(@Param('id', IncidentId) id: string, @Body() body: RetractIncidentDto, @CommandContext() context: CommandContext) {
    return this.execute(id, toRetractIncident(body), context);
  }

  private async execute(id: string, command: IncidentCommand, context: CommandContext): Promise<CommandResult> {
    const { metadata, ifMatch, idempotencyKey, rawBody, response } = context;
    const result = await this.commands.execute(
      new ExecuteIncidentCommand(id, command, {
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

function pointInTime({ asOf, version }: IncidentPointInTimeDto): PointInTime | undefined {
  if (asOf !== undefined) return { asOf: new Date(asOf) };
  if (version !== undefined) return { version };
  return undefined;
}
