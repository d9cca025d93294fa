import { CommandBus } from '@nestjs/cqrs';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AppModule } from '../app.module.js';
import { ProblemError } from '../common/problem.js';
import { ExecuteActorCommand } from '../actors/commands/execute-actor-command.js';
import { displayName } from '../actors/actor-registry.projection.js';
import { ExecuteIncidentCommand } from '../incidents/commands/execute-incident-command.js';
import { WORKED_EXAMPLE_ACTORS } from './worked-example-actors.js';
import { WORKED_EXAMPLE } from './worked-example.js';

/** Refusals that mean "this step ran before": the demo can be run again safely. */
const ALREADY_DONE = new Set(['already_recorded', 'already_linked', 'already_registered']);

/** Records the worked example in the database of the CLI's choosing. */
export async function runDemo(dataSource: DataSource, log: (line: string) => void = console.log): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(dataSource), { logger: ['error', 'warn'] });
  try {
    await recordWorkedExample(app.get(CommandBus), log);
  } finally {
    await app.close();
  }
}

/**
 * Registers the worked example's actors, then records its incidents, through the same command
 * bus the HTTP API uses. The incidents name actors as the report does; the registry links them.
 */
export async function recordWorkedExample(commands: CommandBus, log: (line: string) => void = () => {}): Promise<void> {
  const correlationId = randomUUID();
  const metadata = () => ({ actor: 'demo', correlationId, causationId: correlationId, requestId: randomUUID() });
  const alreadyDone = (error: unknown) => error instanceof ProblemError && ALREADY_DONE.has(String(error.problem.code));
  for (const command of WORKED_EXAMPLE_ACTORS) {
    const what = displayName(command.data.names);
    try {
      const result = await commands.execute(new ExecuteActorCommand(command.data.id, command, { metadata: metadata() }));
      log(`registered /actors/${command.data.id}  v${result.version}  ${what}`);
    } catch (error) {
      if (!alreadyDone(error)) throw error;
      log(`already    /actors/${command.data.id}  ${what}`);
    }
  }
  for (const { incidentId, command } of WORKED_EXAMPLE) {
    const what = command.type === 'RecordIncident' ? `${command.data.category}: ${command.data.translations?.[0]?.title}` : command.type;
    try {
      const result = await commands.execute(new ExecuteIncidentCommand(incidentId, command, { metadata: metadata() }));
      log(`recorded   /incidents/${incidentId}  v${result.version}  ${what}`);
    } catch (error) {
      if (!alreadyDone(error)) throw error;
      log(`already    /incidents/${incidentId}  ${what}`);
    }
  }
}
