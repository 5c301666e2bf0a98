import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { responses } from '../../app/schemas.ts';
import type { Services } from '../../app/services.ts';
import { WorkQueue } from './work-queue.schema.ts';

/** GET /api/work-queue: the signed-in user's work queue (the web app's home page and the badges of its menu). */
export const workQueueRoutes =
  ({ workQueue }: Services): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/work-queue',
      {
        schema: {
          tags: ['work-queue'],
          summary:
            "What waits for the signed-in user: referrals to answer, MLA deadlines, linkage alerts, risk reassessments due and her open cases, with counts per kind (each part only as far as the user's roles reach)",
          response: responses({ 200: WorkQueue }, 401),
        },
      },
      (request) => workQueue.queue(request.ctx),
    );
  };
