export { htcdsRoutes } from './htcds.routes.ts';
export { HtcdsExchangeService, type RowError } from './htcds.service.ts';
export { readCaseSheet, writeCaseSheet } from './htcds-files.ts';
