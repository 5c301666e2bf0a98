export { type ReappliedErasures, reapplyErasures } from './erasures.ts';
export {
  type IdentityQuery,
  IdentityVault,
  rewrapPersonKeys,
  type SealedIdentity,
  type Token,
} from './identity-vault.ts';
export { PersonRecords } from './person-records.ts';
export { photosRoutes } from './photos.routes.ts';
export {
  type ConsentChange,
  type ConsentHook,
  type IdentityReader,
  type PersonIdentity,
  type SharedFields,
  SurvivorsService,
} from './survivors.service.ts';
export { identityVaultOpener, type VaultOpener } from './vault-opener.ts';
