/**
 * What other modules may ask about this node's agencies and users, read through `q` (the caller's transaction when it
 * has one open): names to show and file things under, never accounts, roles or secrets.
 */
import type { Queryable } from '../../db/client.ts';
import { agencyById, userDisplayName } from './user-accounts.repository.ts';

/** The country of an agency (a case reference starts with it), or null when there is no such agency. */
export async function agencyCountry(q: Queryable, agencyId: string): Promise<string | null> {
  return (await agencyById(q, agencyId))?.country ?? null;
}

/** The name of an agency, or null when there is no such agency. */
export async function agencyName(q: Queryable, agencyId: string): Promise<string | null> {
  return (await agencyById(q, agencyId))?.name ?? null;
}

/** The name a user is shown by, or null when there is no such user. */
export function userName(q: Queryable, userId: string): Promise<string | null> {
  return userDisplayName(q, userId);
}
