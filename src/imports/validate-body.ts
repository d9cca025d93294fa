import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { RequestValidationError, type FieldError } from '../common/problem.js';
import { RecordIncidentDto } from '../incidents/http/dto/index.js';

export type BodyCheck<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Judges one body as POST /incidents would: the same rules, the same field errors. */
export type BodyValidator = (body: unknown) => BodyCheck<RecordIncidentDto>;

/** The API's own pipeline (ValidationPipe's options), one body at a time. */
export const validateAsTheApiDoes: BodyValidator = (body) => {
  const dto = plainToInstance(RecordIncidentDto, body);
  const errors = validateSync(dto as object, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length === 0) return { ok: true, value: dto };
  return { ok: false, errors: RequestValidationError.fromValidationErrors(errors).problem.errors! };
};
