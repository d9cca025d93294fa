import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { DataSource } from 'typeorm';
import { ExecuteActorCommand } from '../actors/commands/execute-actor-command.js';
import type { RegisterActor } from '../actors/domain/actor.commands.js';
import { ActorDirectory } from '../actors/queries/actor-directory.js';
import { Clock } from '../common/clock.js';
import { poolOf } from '../database/data-source.js';
import { EventStore } from '../event-store/index.js';
import { Gazetteer } from '../places/gazetteer.js';
import { PlaceResolver } from '../places/resolve/place-resolver.service.js';
import { IncidentImporter, type ImportOptions, type ImportRow, type ImportSummary } from './incident-importer.js';
import { ndjsonRows } from './ndjson-rows.js';
import { rememberingActors } from './remembering-actors.js';
import { UCDP_GED } from './ucdp/ucdp-event.js';
import { ucdpRows } from './ucdp/ucdp-rows.js';

export type ImportFormat = 'ucdp' | 'ndjson';

export type FileImportOptions = Omit<ImportOptions, 'format' | 'file'>;

/** Imports a file through the application's own store, registry and gazetteer (the CLI's, a test's). */
export async function importFile(app: INestApplicationContext, format: ImportFormat, path: string, options: FileImportOptions): Promise<ImportSummary> {
  const pool = poolOf(app.get(DataSource));
  // Remembered for this import only: the registry and gazetteer do not change under it.
  const gazetteer = new Gazetteer(pool, { memoize: true });
  const actors = rememberingActors(app.get(ActorDirectory));
  const importer = new IncidentImporter(
    { db: pool, store: app.get(EventStore), actors, places: { gazetteer, resolver: new PlaceResolver(gazetteer) }, clock: app.get(Clock) },
    { ...options, format: format === 'ucdp' ? UCDP_GED : 'ndjson', file: basename(path) },
  );
  const commands = app.get(CommandBus);
  const correlationId = randomUUID();
  const register = (command: RegisterActor) =>
    commands.execute(new ExecuteActorCommand(command.data.id, command, { metadata: { actor: options.actor, correlationId, causationId: correlationId } }));
  const rows: AsyncIterable<ImportRow> = format === 'ucdp' ? ucdpRows(path, { gazetteer, actors, register }) : ndjsonRows(path);
  return importer.import(rows);
}
