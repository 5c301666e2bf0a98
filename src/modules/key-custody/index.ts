export { DESTROYED_KEYS_FILE, DestroyedKeys, destroyedKeysFile } from './destroyed-keys.ts';
export { type FieldVault, KeyCustody } from './field-vault.ts';
export { type KekHolders, type KekRewrap, rotateKek } from './kek-rotation.ts';
export { ensureKeys, loadKeys, type NodeKeys } from './node-keys.ts';
export { NodeSecretKey } from './node-secrets.ts';
export { rotateSigningKey } from './signing-key-rotation.ts';
