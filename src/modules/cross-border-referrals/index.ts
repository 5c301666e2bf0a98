export { caseSenders } from './cross-border-referrals.presenters.ts';
export { crossBorderRoutes, crossBorderSchemas } from './cross-border-referrals.routes.ts';
export { CrossBorderService } from './cross-border-referrals.service.ts';
export { openSealed, sealFor } from './sealed-fields.ts';
