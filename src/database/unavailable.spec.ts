import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './unavailable.js';

/** An error as `pg` makes it from a server's ErrorResponse. */
function serverError(code: string, message: string): Error {
  return Object.assign(new pg.DatabaseError(message, 0, 'error'), { code });
}

const socketError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['the server shutting down (57P01)', serverError('57P01', 'terminating connection due to administrator command')],
    ['the server crashed (57P02)', serverError('57P02', 'terminating connection because of crash of another server process')],
    ['the server starting or stopping (57P03)', serverError('57P03', 'the database system is starting up')],
    ['no connection slot (53300)', serverError('53300', 'sorry, too many clients already')],
    ['a connection exception (class 08)', serverError('08006', 'connection failure')],
    ['a refused connection', socketError('ECONNREFUSED')],
    ['a reset connection', socketError('ECONNRESET')],
    ['a refused connection to every address of a name', Object.assign(new AggregateError([socketError('ECONNREFUSED')]), { code: 'ECONNREFUSED' })],
    ['a connection ended under a query', new Error('Connection terminated unexpectedly')],
    ['a broken client used again', new Error('Client has encountered a connection error and is not queryable')],
    ['no connection within the pool timeout', new Error('timeout exceeded when trying to connect')],
    ['a connection that never answered', new Error('Connection terminated due to connection timeout')],
    ['any of these wrapped by TypeORM', new QueryFailedError('SELECT 1', [], serverError('57P01', 'terminating connection'))],
    ['any of these as the cause of another', new Error('query failed', { cause: socketError('ECONNREFUSED') })],
  ])('is true for %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', serverError('23505', 'duplicate key value violates unique constraint')],
    ['text the database refuses (22P05)', serverError('22P05', 'unsupported Unicode escape sequence')],
    ['a cancelled statement (57014)', serverError('57014', 'canceling statement due to statement timeout')],
    ['a deadlock (40P01)', serverError('40P01', 'deadlock detected')],
    ['an error of our own', new Error('projection timeline is not registered')],
    ['something not an error', 'ECONNREFUSED'],
    ['nothing', undefined],
  ])('is false for %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
