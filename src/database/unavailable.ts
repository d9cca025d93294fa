/**
 * Whether an error says the database cannot be reached now, rather than anything about the
 * request: the server is down, restarting or refusing connections, or the connection broke.
 * Such a request can succeed when retried later (HTTP 503), and a background job just waits.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return causes(error).some(
    (cause) => unavailableCode(cause.code) || (typeof cause.message === 'string' && BROKEN_CONNECTION.test(cause.message)),
  );
}

/**
 * SQLSTATE class 08 (connection exception); 57P01-57P03, the server shutting down, crashed or
 * starting up; 53300, no connection slot free. Node's socket errors when the server is gone or
 * unreachable.
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * What `pg` and `pg-pool` say, with no code, when a connection ends under a query, a broken
 * client is used again, or no connection came within the pool's connection timeout.
 */
const BROKEN_CONNECTION =
  /^(Connection terminated|Client has encountered a connection error|Client was closed and is not queryable|timeout exceeded when trying to connect)/;

function unavailableCode(code: unknown): boolean {
  return typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || SOCKET_ERRORS.has(code));
}

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  driverError?: unknown;
  errors?: unknown;
}

/**
 * The error and what it wraps: TypeORM keeps the driver's error as `driverError`, Node's
 * connection attempts to several addresses fail with an AggregateError.
 */
function causes(error: unknown, depth = 0): ErrorLike[] {
  if (typeof error !== 'object' || error === null || depth > 4) return [];
  const like = error as ErrorLike;
  const wrapped = [like.cause, like.driverError, ...(Array.isArray(like.errors) ? like.errors : [])];
  return [like, ...wrapped.flatMap((inner) => causes(inner, depth + 1))];
}
