/**
 * The users' TOTP secrets are sealed by the node's key-encryption key; a KEK rotation (key custody's
 * `passage keys rotate`) reseals them here, in its transaction.
 */
import type { Queryable } from '../../db/client.ts';
import { seal, unseal } from '../../lib/seal.ts';
import { listSealedTotpSecrets, resealTotpSecret } from './user-accounts.repository.ts';

export const totpContext = (userId: string) => `totp:${userId}`;

/**
 * Reseals every TOTP secret from `oldKek` to `newKek` and returns how many there are. Sealed values carry no key id,
 * so a secret that opens with the new key is one an interrupted run already resealed; the others must open with the
 * old key.
 */
export async function resealTotpSecrets(tx: Queryable, oldKek: Buffer, newKek: Buffer): Promise<number> {
  const secrets = await listSealedTotpSecrets(tx);
  for (const { userId, sealed } of secrets) {
    const context = totpContext(userId);
    if (opens(newKek, sealed, context)) continue;
    if (!opens(oldKek, sealed, context)) {
      throw new Error(`The TOTP secret of user:${userId} opens with neither the current nor the new key.`);
    }
    await resealTotpSecret(tx, userId, seal(newKek, unseal(oldKek, sealed, context), context));
  }
  return secrets.length;
}

function opens(kek: Buffer, sealed: string, context: string): boolean {
  try {
    unseal(kek, sealed, context);
    return true;
  } catch {
    return false;
  }
}
