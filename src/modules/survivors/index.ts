export { type IdentityQuery, IdentityVault, rewrapAll, type SealedIdentity, type Token } from './identity-vault.ts';
export { randomPng } from './photo-fixtures.ts';
export { photosRoutes } from './photos.routes.ts';
export { SurvivorsService } from './survivors.service.ts';
