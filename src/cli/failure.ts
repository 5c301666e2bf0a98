import { randomBytes } from 'node:crypto';
import { ConfigError } from '../app/config.ts';
import { DataDirBusyError } from '../app/data-lock.ts';
import { AppError } from '../lib/errors.ts';
import {
  EncodingSecretError,
  IdentifierTokenError,
  LinkageInputError,
  LinkageSchemaError,
  RecordsFileError,
  RecordValueError,
} from '../modules/linkage-engine/index.ts';

/**
 * Errors whose message was written for the operator (what is wrong with a setting, a file or a request, without the
 * data in it). Anything else is unexpected: its message may quote a database row, a file's contents or a person's
 * name, so it is not printed (issue 14, item 1).
 */
const FOR_THE_OPERATOR = [
  AppError,
  ConfigError,
  DataDirBusyError,
  EncodingSecretError,
  IdentifierTokenError,
  LinkageInputError,
  LinkageSchemaError,
  RecordsFileError,
  RecordValueError,
];

/** Shows the stack of an unexpected error on the terminal, for whoever runs the command to debug it. */
export const DEBUG_VARIABLE = 'PASSAGE_DEBUG';

export interface Failure {
  /** What to print on standard error, line by line. */
  lines: string[];
  exitCode: number;
}

/**
 * What `passage` prints for an error that ended a command. An unexpected one gets a generic message and an id to
 * quote when reporting it; with PASSAGE_DEBUG=1 its stack follows (the operator's own terminal, not a log).
 */
export function describeFailure(error: unknown, env: NodeJS.ProcessEnv = process.env): Failure {
  if (FOR_THE_OPERATOR.some((kind) => error instanceof kind)) {
    return { lines: [`passage: ${(error as Error).message}`], exitCode: error instanceof ConfigError ? 2 : 1 };
  }
  const id = randomBytes(4).toString('hex');
  const lines = [`passage: the command failed unexpectedly (error ${id}).`];
  if (env[DEBUG_VARIABLE] === '1') {
    lines.push(error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error));
  } else {
    lines.push(`Run it again with ${DEBUG_VARIABLE}=1 to see the details on this terminal (they may hold data).`);
  }
  return { lines, exitCode: 1 };
}
