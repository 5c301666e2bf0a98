import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import { loggableError, loggableMessage } from './loggable-error.ts';

/** An error shaped as PostgreSQL's and PGlite's are, with what both carry about the data. */
function databaseError(message: string) {
  return Object.assign(new Error(message), {
    severity: 'ERROR',
    code: '23505',
    detail: 'Key (name)=(Maria Rossi) already exists.',
    where: 'SQL function "f" statement 1 with Maria Rossi',
    query: 'insert into agencies (name) values ($1)',
    params: ['Maria Rossi'],
    internalQuery: 'Maria Rossi',
  });
}

describe('loggableError', () => {
  it('keeps the kind, code, message and frames of a database error and drops its detail, query and params', () => {
    const logged = loggableError(databaseError('duplicate key value violates unique constraint "agencies_name_key"'));
    expect(logged).toMatchObject({
      errorCode: '23505',
      message: 'duplicate key value violates unique constraint "agencies_name_key"',
    });
    expect(logged.stack).toMatch(/^Error: duplicate key[^\n]*\n\s+at /);
    expect(JSON.stringify(logged)).not.toContain('Maria');
    expect(Object.keys(logged).sort()).toEqual(['errorCode', 'message', 'stack', 'type']);
  });

  it('takes the values out of a database message, in the stack too', () => {
    for (const message of [
      'invalid input syntax for type uuid: "Maria Rossi"',
      'value "Maria Rossi" is out of range for type integer',
      'malformed array literal: "{Maria Rossi"',
    ]) {
      const logged = loggableError(databaseError(message));
      expect(JSON.stringify(logged), message).not.toContain('Maria');
    }
    expect(loggableMessage(databaseError('invalid input syntax for type uuid: "Maria"'))).toBe(
      'invalid input syntax for type uuid',
    );
  });

  it('takes quoted values out of other errors (a JSON parse error quotes its input)', () => {
    let parseError: unknown;
    try {
      JSON.parse('"Maria Rossi" and more');
    } catch (error) {
      parseError = error;
    }
    expect(JSON.stringify(loggableError(parseError))).not.toContain('Maria');
    expect(loggableMessage(new Error('column "name" of relation "agencies" is "Maria"'))).toBe(
      'column "name" of relation "agencies" is "…"',
    );
  });

  it('keeps an AppError as it is written, with its id and status', () => {
    expect(loggableError(new AppError('case_closed', 409, 'The case is closed.'))).toMatchObject({
      id: 'case_closed',
      status: 409,
      message: 'The case is closed.',
    });
  });

  it('reduces a cause chain the same way, to a bounded depth', () => {
    const outer = new Error('the transaction failed', {
      cause: new Error('wrapped', { cause: databaseError('invalid input syntax for type uuid: "Maria"') }),
    });
    const logged = loggableError(outer);
    expect(logged.cause?.cause?.message).toBe('invalid input syntax for type uuid');
    expect(JSON.stringify(logged)).not.toContain('Maria');
    let deep: Error = new Error('bottom');
    for (let i = 0; i < 10; i++) deep = new Error(`level ${i}`, { cause: deep });
    expect(JSON.stringify(loggableError(deep)).match(/"message":"level/g)).toHaveLength(4);
  });

  it('never repeats a thrown value that is not an error', () => {
    expect(JSON.stringify(loggableError('Maria Rossi'))).not.toContain('Maria');
    expect(JSON.stringify(loggableError({ name: 'Maria Rossi' }))).not.toContain('Maria');
  });
});
