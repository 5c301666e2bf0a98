/**
 * An error a person can act on. `id` is stable (clients and translations key on it); `message` is plain language
 * and never carries personal data.
 */
export class AppError extends Error {
  readonly id: string;
  readonly status: number;
  readonly details?: unknown;
  constructor(id: string, status: number, message: string, details?: unknown) {
    super(message);
    this.id = id;
    this.status = status;
    this.details = details;
  }
}

export const notFound = (what: string) => new AppError('not_found', 404, `${what} was not found.`);
export const forbidden = () => new AppError('forbidden', 403, 'You are not allowed to do this.');
export const invalid = (message: string, details?: unknown) => new AppError('invalid_request', 400, message, details);
export const conflict = (id: string, message: string) => new AppError(id, 409, message);
