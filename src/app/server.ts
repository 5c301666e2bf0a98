import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { constants as zlib } from 'node:zlib';
import { AjvCompiler } from '@fastify/ajv-compiler';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { loggableError } from '../lib/loggable-error.ts';
import { AuditRecord, auditRoutes } from '../modules/audit/index.ts';
import { careRoutes, careSchemas } from '../modules/care/index.ts';
import { caseOverviewRoutes, caseOverviewSchemas } from '../modules/case-overview/index.ts';
import { caseSchemas, casesRoutes } from '../modules/cases/index.ts';
import { crossBorderRoutes, crossBorderSchemas } from '../modules/cross-border-referrals/index.ts';
import { custodyRoutes, custodySchemas } from '../modules/custody/index.ts';
import { evidenceRoutes, evidenceSchemas } from '../modules/evidence/index.ts';
import { transferSchemas, transfersRoutes } from '../modules/evidence-transfers/index.ts';
import {
  inboxRoutes,
  messagesRoutes,
  messagesSchemas,
  nodeDocumentRoutes,
  peerSchemas,
  peersRoutes,
} from '../modules/federation/index.ts';
import { htcdsRoutes } from '../modules/htcds/index.ts';
import { jitRoutes, jitSchemas } from '../modules/jit/index.ts';
import { linkageRoutes, linkageSchemas } from '../modules/linkage-network/index.ts';
import { mlaRoutes, mlaSchemas } from '../modules/mla/index.ts';
import { opsRoutes } from '../modules/ops/index.ts';
import { photosRoutes } from '../modules/survivors/index.ts';
import { Agency, authRoutes, identityRoutes, RoleGrant, Session, User } from '../modules/user-accounts/index.ts';
import { workQueueRoutes } from '../modules/work-queue/index.ts';
import { registerAuthentication } from './authentication.ts';
import { registerErrorHandling } from './http-errors.ts';
import { registerInputHygiene } from './input-hygiene.ts';
import { openApiOptions } from './openapi-document.ts';
import { ErrorResponse } from './schemas.ts';
import type { Services } from './services.ts';

// PASSAGE_WEB_DIST lets parallel browser-test runs each build and serve their own copy of the web app.
export const WEB_ROOT = process.env.PASSAGE_WEB_DIST ?? join(import.meta.dirname, '../../dist/web');

/** Fields that may carry secrets or personal data: pino replaces them before a log line is written. */
export const LOG_REDACTIONS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.code',
  '*.email',
  '*.token',
  '*.totpSecret',
];

/** A strict Content-Security-Policy: only the node's own scripts, styles and connections; no framing. */
const CSP_DIRECTIVES: Record<string, string[]> = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  // blob: for the survivor's photos, which the web app fetches (with a purpose) and shows from memory.
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
};

const cspHeader = (directives: Record<string, string[]>) =>
  Object.entries(directives)
    .map(([name, values]) => `${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${values.join(' ')}`)
    .join('; ');

export interface AppOptions {
  logger?: boolean;
  /** Where the log lines go instead of standard output (tests read them back). */
  logStream?: { write(line: string): void };
  /** Requests per minute and address across the API. */
  rateLimit?: number;
  /** Where the built web app is (tests give a folder of their own); WEB_ROOT by default. */
  webRoot?: string;
}

export async function buildApp(services: Services, options: AppOptions = {}): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: config.logLevel,
            redact: LOG_REDACTIONS,
            // An error is logged without the values it carries (a database error's query, parameters, detail).
            serializers: { err: loggableError },
            ...(options.logStream ? { stream: options.logStream } : {}),
          },
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
    schemaController: { compilersFactory: { buildValidator: strictBodyValidator } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // The API speaks JSON only; Fastify's default text/plain parser would let a form-like cross-site body through.
  app.removeContentTypeParser('text/plain');

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  registerErrorHandling(app);
  for (const schema of [
    ErrorResponse,
    Agency,
    RoleGrant,
    User,
    Session,
    AuditRecord,
    ...caseSchemas,
    ...caseOverviewSchemas,
    ...careSchemas,
    ...custodySchemas,
    ...evidenceSchemas,
    ...transferSchemas,
    ...peerSchemas,
    ...messagesSchemas,
    ...mlaSchemas,
    ...jitSchemas,
    ...linkageSchemas,
    ...crossBorderSchemas,
  ]) {
    app.addSchema(schema);
  }

  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    hsts: config.publicUrl.startsWith('https:'),
  });
  // API answers are compressed as they are sent (brotli at a quality that costs little time per request); the web
  // app's files are compressed once, when built, and sent as they are (registerWeb).
  await app.register(compress, {
    encodings: ['br', 'gzip'],
    threshold: 1024,
    brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } },
  });
  await app.register(cookie);
  // After the cookies are parsed, before the authentication hook of the route scope below reads the session.
  registerInputHygiene(app);
  await app.register(rateLimit, {
    max: options.rateLimit ?? 600,
    timeWindow: '1 minute',
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: { id: 'rate_limited', message: `Too many requests. Try again in ${context.after}.` },
    }),
  });
  await app.register(swagger, openApiOptions(config.publicUrl));
  // The reference page gets the same strict policy as the rest of the node, not the plugin's looser default.
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    transformStaticCSP: () => cspHeader(CSP_DIRECTIVES),
    uiConfig: { deepLinking: false },
  });

  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  // Every route registered in this scope needs a signed-in user unless it says otherwise (deny by default).
  await app.register(async (scope) => {
    registerAuthentication(scope, services);
    await scope.register(opsRoutes(services));
    await scope.register(authRoutes(services), { prefix: '/api' });
    await scope.register(identityRoutes(services), { prefix: '/api' });
    await scope.register(auditRoutes(services), { prefix: '/api' });
    await scope.register(casesRoutes(services), { prefix: '/api' });
    await scope.register(caseOverviewRoutes(services), { prefix: '/api' });
    await scope.register(htcdsRoutes(services), { prefix: '/api' });
    await scope.register(photosRoutes(services), { prefix: '/api' });
    await scope.register(careRoutes(services), { prefix: '/api' });
    await scope.register(evidenceRoutes(services), { prefix: '/api' });
    await scope.register(transfersRoutes(services), { prefix: '/api' });
    await scope.register(custodyRoutes(services), { prefix: '/api' });
    await scope.register(nodeDocumentRoutes(services));
    await scope.register(peersRoutes(services), { prefix: '/api' });
    await scope.register(messagesRoutes(services), { prefix: '/api' });
    await scope.register(mlaRoutes(services), { prefix: '/api' });
    await scope.register(jitRoutes(services), { prefix: '/api' });
    await scope.register(linkageRoutes(services), { prefix: '/api' });
    await scope.register(crossBorderRoutes(services), { prefix: '/api' });
    await scope.register(workQueueRoutes(services), { prefix: '/api' });
    await scope.register(inboxRoutes(services));
  });
  await registerWeb(app, options.webRoot ?? WEB_ROOT);
  return app;
}

/**
 * Query strings and path parameters arrive as text and are coerced to their schema's types; JSON bodies are not:
 * `"amount": "12"` where a number is expected is a client error, not something to guess at.
 */
function strictBodyValidator(schemas: Record<string, unknown>, options: { customOptions?: object } = {}) {
  const build = (coerceTypes: boolean | 'array') =>
    AjvCompiler()(schemas as never, { ...options, customOptions: { ...options.customOptions, coerceTypes } } as never);
  const body = build(false);
  const text = build('array');
  return (route: Parameters<typeof body>[0]) => (route.httpPart === 'body' ? body : text)(route);
}

/** Cache-Control for the web app's files: content-hashed files never change; index.html names the current ones. */
export const ASSET_CACHE = 'public, max-age=31536000, immutable';
export const PAGE_CACHE = 'no-cache';

/**
 * Serves the built web app, with the routes of the single-page app falling back to its index. The build writes
 * brotli and gzip copies beside each file (vite.config.ts), which are sent to browsers that accept them.
 */
async function registerWeb(app: FastifyInstance, webRoot: string): Promise<void> {
  const hasWeb = existsSync(join(webRoot, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: webRoot,
      index: 'index.html',
      preCompressed: true,
      cacheControl: false,
      setHeaders: (reply, path) => {
        const hashed = relative(webRoot, path).startsWith(`assets${sep}`);
        reply.header('cache-control', hashed ? ASSET_CACHE : PAGE_CACHE);
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const wantsPage =
      request.method === 'GET' && !request.url.startsWith('/api/') && request.headers.accept?.includes('text/html');
    if (wantsPage && hasWeb) return reply.type('text/html').sendFile('index.html');
    return reply
      .status(404)
      .send({ error: { id: 'not_found', message: `Nothing is at ${request.method} ${request.url.split('?')[0]}.` } });
  });
}
