/**
 * What a check reports when it could not ask the database. Terminus answers an indicator that
 * throws with the error itself, not with the 503 and the body that monitors read, so each
 * indicator says "down" with the reason instead.
 */
export function unreachable(error: unknown): { message: string } {
  return { message: `cannot ask the database: ${error instanceof Error ? error.message : String(error)}` };
}
