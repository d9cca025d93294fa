import { recordIncidentValidator, type BodyCheck } from '../incidents/http/dto/fast-validation.js';
import type { RecordIncidentDto } from '../incidents/http/dto/index.js';

/** Judges one body as POST /incidents would: the same rules, the same field errors. */
export type BodyValidator = (body: unknown) => BodyCheck<RecordIncidentDto>;

/**
 * The API's own rules, compiled once from the DTOs' decorators for the bodies they accept; any
 * other body goes through the API's pipeline itself, for its exact messages (fast-validation.ts).
 */
export const validateAsTheApiDoes: BodyValidator = recordIncidentValidator();
