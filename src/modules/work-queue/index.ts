export { workQueueRoutes } from './work-queue.routes.ts';
export { WORK_KINDS, type WorkItem, type WorkKind, type WorkQueue } from './work-queue.schema.ts';
export { type WorkQueueDependencies, WorkQueueService } from './work-queue.service.ts';
