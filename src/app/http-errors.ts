import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../lib/errors.ts';

interface Mapped {
  id: string;
  status: number;
  message: string;
  details?: unknown;
}

/** Fastify's own errors, by code, as the stable ids and plain messages of Passage's error shape. */
const FRAMEWORK_ERRORS: Record<string, Omit<Mapped, 'details'>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { id: 'malformed_json', status: 400, message: 'The request body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    id: 'malformed_json',
    status: 400,
    message: 'The request body is empty but should be JSON.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { id: 'body_too_large', status: 413, message: 'The request body is too large.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    id: 'unsupported_media_type',
    status: 415,
    message: 'Send the request body as application/json.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    id: 'malformed_request',
    status: 400,
    message: 'The Content-Length header is wrong.',
  },
};

function map(error: FastifyError): Mapped {
  if (error instanceof AppError)
    return { id: error.id, status: error.status, message: error.message, details: error.details };
  if (error.validation) {
    return {
      id: 'invalid_request',
      status: 400,
      message: `The request is not valid: ${error.validationContext ?? 'input'}${error.validation[0]?.instancePath ?? ''} ${error.validation[0]?.message ?? ''}.`,
      details: error.validation.map((v) => ({
        in: error.validationContext,
        path: v.instancePath || '/',
        problem: v.message,
        ...(v.keyword === 'additionalProperties'
          ? { field: (v.params as { additionalProperty?: string }).additionalProperty }
          : {}),
      })),
    };
  }
  const known = error.code ? FRAMEWORK_ERRORS[error.code] : undefined;
  if (known) return known;
  if (error.statusCode === 429)
    return { id: 'rate_limited', status: 429, message: 'Too many requests. Please wait a moment and try again.' };
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return { id: 'bad_request', status: error.statusCode, message: 'The request could not be processed.' };
  }
  return {
    id: 'internal_error',
    status: 500,
    message: 'Something went wrong on the server. The error was logged with the request id.',
  };
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const mapped = map(error);
    if (mapped.status >= 500) request.log.error({ err: error }, 'request failed');
    const body = {
      error: { id: mapped.id, message: mapped.message, ...(mapped.details ? { details: mapped.details } : {}) },
    };
    return reply.status(mapped.status).send(body);
  });
}
