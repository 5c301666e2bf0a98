/**
 * What of an error may be written to a log. A database error carries the rows and values it was about: PGlite's
 * errors hold the query and its parameters (`query`, `params`), and both databases put values in `detail`
 * ("Key (name)=(Maria Rossi) already exists.") and even in the message ('invalid input syntax for type uuid:
 * "Maria Rossi"'). The log keeps what a person needs to find the fault — the kind of error, its stable id, its code,
 * a message stripped of quoted values, and the stack's frames — and nothing else; a cause is reduced the same way.
 */
import { AppError } from './errors.ts';

export type LoggableError = {
  type: string;
  message: string;
  id?: string;
  status?: number;
  /** The error's code (a SQLSTATE, a Node errno name); not `code`, which the log redacts as a sign-in code. */
  errorCode?: string;
  stack: string;
  cause?: LoggableError;
};

// A quoted name after one of these words is part of the schema (a constraint, a column), not a value.
const SCHEMA_WORDS =
  /\b(constraint|relation|column|table|index|type|schema|function|sequence|encoding|view|database)$/i;
const MAX_CAUSES = 3;

/** PostgreSQL and PGlite errors both carry the server's severity and SQLSTATE code. */
const isDatabaseError = (error: Error) => 'severity' in error && typeof (error as { code?: unknown }).code === 'string';

/** The message without the values it quotes; for a database error, also without what follows its first colon. */
export function loggableMessage(error: unknown): string {
  if (!(error instanceof Error)) return typeof error === 'string' ? '(a thrown string)' : '(a thrown value)';
  // Passage's own errors are written for people and never carry personal data (src/lib/errors.ts).
  if (error instanceof AppError) return error.message;
  let message = String(error.message);
  if (isDatabaseError(error)) message = message.split(': ')[0] as string;
  return message.replace(/"[^"]*"/g, (quoted, offset: number) =>
    SCHEMA_WORDS.test(message.slice(0, offset).trimEnd()) ? quoted : '"…"',
  );
}

const shortCode = (code: unknown) =>
  (typeof code === 'string' || typeof code === 'number') && /^[A-Za-z0-9_.-]{1,48}$/.test(String(code))
    ? String(code)
    : undefined;

/** The pino serialiser for `err`: see the module comment. */
export function loggableError(error: unknown, depth = 0): LoggableError {
  if (!(error instanceof Error)) {
    const message = loggableMessage(error);
    return { type: typeof error, message, stack: message };
  }
  const name = typeof error.name === 'string' ? error.name : 'Error';
  const message = loggableMessage(error);
  const frames = typeof error.stack === 'string' ? error.stack.split('\n').filter((line) => /^\s+at /.test(line)) : [];
  const code = shortCode((error as { code?: unknown }).code);
  const cause = (error as { cause?: unknown }).cause;
  return {
    type: error.constructor?.name ?? name,
    message,
    ...(error instanceof AppError ? { id: error.id, status: error.status } : {}),
    ...(code ? { errorCode: code } : {}),
    stack: [`${name}: ${message}`, ...frames].join('\n'),
    ...(cause !== undefined && depth < MAX_CAUSES ? { cause: loggableError(cause, depth + 1) } : {}),
  };
}
