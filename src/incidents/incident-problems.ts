import { HttpStatus } from '@nestjs/common';
import { ProblemError, problemType } from '../common/problem.js';
import { IncidentNotFoundError, IncidentRuleViolation } from './domain/index.js';

export class IncidentNotFoundProblem extends ProblemError {
  constructor(incidentId: string) {
    super({
      type: problemType('not-found'),
      title: 'No such incident',
      status: HttpStatus.NOT_FOUND,
      detail: `No incident has the id ${incidentId}.`,
    });
  }
}

/** The domain's refusals, in HTTP terms. */
export function incidentProblem(error: unknown, incidentId: string): unknown {
  if (error instanceof IncidentNotFoundError) return new IncidentNotFoundProblem(incidentId);
  if (error instanceof IncidentRuleViolation) {
    return new ProblemError({
      type: problemType(`incident-rule/${error.code}`),
      title: 'The incident does not allow this',
      status: HttpStatus.CONFLICT,
      detail: `${error.message}; nothing was recorded.`,
      code: error.code,
    });
  }
  return error;
}
