export { transferSchemas, transfersRoutes } from './evidence-transfers.routes.ts';
export { TransfersService } from './evidence-transfers.service.ts';
