export { htcdsRoutes } from './htcds.routes.ts';
export { HtcdsExchangeService, type RowError } from './htcds.service.ts';
export { readCaseSheet } from './htcds-files.ts';
export { rejectedRowsSheet } from './htcds-rejected.ts';
export { writeCaseSheet } from './htcds-sheet-writer.ts';
