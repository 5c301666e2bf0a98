import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { Type } from 'typebox';
import { responses } from '../../app/schemas.ts';
import type { Services } from '../../app/services.ts';
import { pendingMigrations } from '../../db/migrate.ts';
import { NodeInfo, Status } from './ops.schema.ts';

/** Liveness, readiness, Prometheus metrics and the node's public description. */
export const opsRoutes = ({ config, db }: Services) =>
  fp<Parameters<FastifyPluginAsyncTypebox>[1]>(async (app) => {
    const registry = new Registry();
    registry.setDefaultLabels({ node: config.nodeId });
    collectDefaultMetrics({ register: registry });
    const duration = new Histogram({
      name: 'passage_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
    app.addHook('onResponse', async (request, reply) => {
      duration.observe(
        { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode },
        reply.elapsedTime / 1000,
      );
    });
    const access = 'public' as const;
    const tags = ['operations'];

    app.get(
      '/health',
      { config: { access }, schema: { tags, summary: 'The process is up', response: responses({ 200: Status }) } },
      () => ({
        status: 'ok',
      }),
    );

    app.get(
      '/ready',
      {
        config: { access },
        schema: {
          tags,
          summary: 'The database answers and its schema is current',
          response: responses({ 200: Status }, 503),
        },
      },
      async (_request, reply) => {
        try {
          const pending = await pendingMigrations(db);
          if (pending.length === 0) return { status: 'ready' };
          return reply.status(503).send({
            error: { id: 'migrations_pending', message: `${pending.length} database migrations are not applied yet.` },
          });
        } catch {
          return reply
            .status(503)
            .send({ error: { id: 'database_unavailable', message: 'The database does not answer.' } });
        }
      },
    );

    app.get(
      '/metrics',
      {
        config: { access },
        schema: {
          tags,
          summary: 'Prometheus metrics',
          response: {
            ...responses({}),
            200: { description: 'Prometheus text format', content: { 'text/plain': { schema: Type.String() } } },
          },
        },
      },
      async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
    );

    app.get(
      '/api/node',
      { config: { access }, schema: { tags, summary: 'This node', response: responses({ 200: NodeInfo }) } },
      () => ({
        nodeId: config.nodeId,
        nodeName: config.nodeName,
        country: config.country,
      }),
    );
  });
