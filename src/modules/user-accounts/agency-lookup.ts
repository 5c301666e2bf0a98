import type { Queryable } from '../../db/client.ts';

/**
 * The country of an agency of this node, or null when there is no such agency: what other modules need of an agency
 * when they file something under it (a case reference starts with its country), in the caller's transaction.
 */
export async function agencyCountry(q: Queryable, agencyId: string): Promise<string | null> {
  const [agency] = await q.query<{ country: string }>('select country from agencies where id = $1', [agencyId]);
  return agency?.country ?? null;
}
