import { type TSchema, Type } from 'typebox';

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      id: Type.String({ description: 'Stable identifier of the error, for programs and translations' }),
      message: Type.String({ description: 'What went wrong, in plain language' }),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'ErrorResponse', description: 'The one error shape of the API' },
);

const ERROR_REF = Type.Ref('ErrorResponse');

/** Response schemas for a route: its success bodies plus the error shape for every status it can fail with. */
export function responses<T extends Record<number, TSchema>>(success: T, ...errorStatuses: number[]) {
  const errors = Object.fromEntries([400, 429, 500, ...errorStatuses].map((status) => [status, ERROR_REF]));
  return { ...errors, ...success } as T & Record<number, TSchema>;
}

export const NoContent = Type.Null({ description: 'No content' });
