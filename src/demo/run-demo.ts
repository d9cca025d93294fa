import { CommandBus } from '@nestjs/cqrs';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AppModule } from '../app.module.js';
import { ProblemError } from '../common/problem.js';
import { ExecuteIncidentCommand } from '../incidents/commands/execute-incident-command.js';
import { WORKED_EXAMPLE } from './worked-example.js';

/** Refusals that mean "this step ran before": the demo can be run again safely. */
const ALREADY_DONE = new Set(['already_recorded', 'already_linked']);

/** Records the worked example through the same command bus the HTTP API uses. */
export async function runDemo(dataSource: DataSource, log: (line: string) => void = console.log): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(dataSource), { logger: ['error', 'warn'] });
  try {
    const commands = app.get(CommandBus);
    const correlationId = randomUUID();
    for (const { incidentId, command } of WORKED_EXAMPLE) {
      const what = command.type === 'RecordIncident' ? `${command.data.category}: ${command.data.translations?.[0]?.title}` : command.type;
      try {
        const result = await commands.execute(
          new ExecuteIncidentCommand(incidentId, command, {
            metadata: { actor: 'demo', correlationId, causationId: correlationId, requestId: randomUUID() },
          }),
        );
        log(`recorded  /incidents/${incidentId}  v${result.version}  ${what}`);
      } catch (error) {
        if (!(error instanceof ProblemError && ALREADY_DONE.has(String(error.problem.code)))) throw error;
        log(`already   /incidents/${incidentId}  ${what}`);
      }
    }
  } finally {
    await app.close();
  }
}
