import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { FastifySchema } from 'fastify';
import type { RouteAccess } from './authentication.ts';
import { SESSION_COOKIE } from './authentication.ts';

/** The project's licence, as package.json names it (SPDX identifier). */
const LICENSE = { name: 'GNU Affero General Public License v3.0 or later', identifier: 'AGPL-3.0-or-later' };

/** The server of a document that describes every node rather than one: relative to where it was fetched from. */
export const ANY_NODE = [{ url: '/', description: 'The node that serves this document' }];

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The name of an operation, derived from its method and path so that no route file has to remember to set one, and
 * so that it stays the same as long as the route does: `GET /api/cases/{caseId}/timeline` is
 * `getCasesByCaseIdTimeline`. The `/api` prefix is dropped (nearly every route has it); a path parameter reads as
 * `By<Name>`. A route may set `schema.operationId` itself, which wins.
 */
export function operationIdOf(method: string, url: string): string {
  const words = url
    .split('/')
    .filter((segment, index) => segment !== '' && !(index === 1 && segment === 'api'))
    .flatMap((segment) => {
      const parameter = /^[:{]([^}]+)}?$/.exec(segment);
      if (parameter) return ['by', ...splitWords(parameter[1] ?? '')];
      return splitWords(segment);
    });
  return [method.toLowerCase(), ...words.map((word) => word.charAt(0).toUpperCase() + word.slice(1))].join('');
}

function splitWords(text: string): string[] {
  return text.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
}

/**
 * Who may call an operation, from the route's `config.access` (the same setting the authentication hook obeys, so
 * the document cannot drift from what the node enforces): public routes need nothing; every other route needs the
 * session cookie (a session still waiting for its second factor counts for `partial` ones), and a state-changing
 * request also the session's CSRF token in a header.
 */
export function securityOf(method: string, access: RouteAccess | undefined): Record<string, string[]>[] {
  if (access === 'public') return [];
  return [UNSAFE_METHODS.has(method.toUpperCase()) ? { session: [], csrf: [] } : { session: [] }];
}

/**
 * The options of @fastify/swagger for this node's API. `publicUrl` is where the node is reached; without one (the
 * document committed to docs/, which describes every node) the server is `/`, relative to wherever the document
 * was fetched from.
 */
export function openApiOptions(publicUrl?: string): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Passage API',
        version: '0.1.0',
        description: 'API of one Passage node: a federated, survivor-centred case-cooperation platform.',
        license: LICENSE,
      },
      servers: publicUrl ? [{ url: publicUrl, description: 'This node' }] : ANY_NODE,
      components: {
        securitySchemes: {
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: SESSION_COOKIE,
            description: 'The session cookie set by signing in.',
          },
          csrf: {
            type: 'apiKey',
            in: 'header',
            name: 'x-csrf-token',
            description: "The session's CSRF token (from GET /api/session), required on every state-changing request.",
          },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (json.$id as string) ?? `def-${i}` },
    transform: ({ schema, url, route }) => {
      const method = String(Array.isArray(route.method) ? route.method[0] : route.method);
      const access = (route.config as { access?: RouteAccess } | undefined)?.access;
      const given = (schema ?? {}) as FastifySchema & { operationId?: string };
      return {
        url,
        schema: {
          ...given,
          operationId: given.operationId ?? operationIdOf(method, url),
          security: securityOf(method, access),
        } as FastifySchema,
      };
    },
  };
}
