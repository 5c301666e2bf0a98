import type { Db, Queryable } from '../../db/client.ts';
import { IdentityVault } from './identity-vault.ts';

/**
 * The node's identity vault, opened once on first use; callers await it before their transaction, as opening reads
 * the database. A caller already inside a transaction passes it (`q`): until the vault is open, it is opened there,
 * and not kept, since what that opening wrote is undone if the transaction is.
 */
export type VaultOpener = (q?: Queryable) => Promise<IdentityVault>;

export function identityVaultOpener(db: Db, kek: Buffer): VaultOpener {
  let vault: Promise<IdentityVault> | null = null;
  let opened = false;
  return (q) => {
    if (q && !opened) return IdentityVault.open(q, kek);
    vault ??= IdentityVault.open(db, kek).then(
      (open) => {
        opened = true;
        return open;
      },
      (error) => {
        // A failed opening (e.g. the database not ready) is tried again by the next caller.
        vault = null;
        throw error;
      },
    );
    return vault;
  };
}
