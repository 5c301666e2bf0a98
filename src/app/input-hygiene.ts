import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.ts';
import { findBadText, invalidCharacters, isCleanText } from '../lib/text-hygiene.ts';

/** The headers the node reads (cookies apart, which are checked once parsed). Others are passed over, unread. */
const READ_HEADERS = ['x-csrf-token'] as const;

/** A value written as a number ("1e309") that no double holds. */
const overflowsNumber = (value: unknown): boolean =>
  typeof value === 'string' && /^[+-]?\.?\d/.test(value) && Math.abs(Number(value)) === Number.POSITIVE_INFINITY;

/** Path parameters, query values, the headers the node reads and its cookies: one line each. */
function checkRequestLine(request: FastifyRequest): void {
  const params = (request.params ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'string' && !isCleanText(value, 'line')) throw invalidCharacters({ in: 'path', path: name });
  }
  const query = (request.query ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(query)) {
    const where = isCleanText(name, 'line') ? name : '?';
    const values = Array.isArray(value) ? value : [value];
    if (where === '?' || values.some((v) => typeof v === 'string' && !isCleanText(v, 'line'))) {
      throw invalidCharacters({ in: 'query', path: where });
    }
    // The schema's coercion turns "1e309" into Infinity and lets it past integer and maximum checks, into SQL.
    if (values.some(overflowsNumber)) {
      throw new AppError('invalid_request', 400, `The request is not valid: querystring/${where} is out of range.`);
    }
  }
  for (const name of READ_HEADERS) {
    const value = request.headers[name];
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => typeof v === 'string' && !isCleanText(v, 'line'))) {
      throw invalidCharacters({ in: 'header', path: name });
    }
  }
  for (const [name, value] of Object.entries(request.cookies ?? {})) {
    const where = isCleanText(name, 'line') ? name : '?';
    if (where === '?' || (typeof value === 'string' && !isCleanText(value, 'line'))) {
      throw invalidCharacters({ in: 'cookie', path: where });
    }
  }
}

/**
 * Applies the input rule (src/lib/text-hygiene.ts) to every request before anything reads the database: the path,
 * query, headers and cookies at onRequest, ahead of the authentication hook (which looks the session cookie up);
 * a parsed body at preValidation, ahead of the schema and the handler. Register it on the root instance after the
 * cookie plugin, so that its hooks come after cookie parsing and before those of every route scope.
 * Multipart bodies are parsed by their handlers, which check their fields and file names with the same rule.
 */
export function registerInputHygiene(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => checkRequestLine(request));
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined || request.isMultipart?.()) return;
    const bad = findBadText(request.body);
    if (bad !== null) throw invalidCharacters({ in: 'body', path: bad });
  });
}
