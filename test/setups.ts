/**
 * Set-ups that several test files share, so that they do not copy each other's: made once here, each file builds
 * its own (in its beforeAll) and closes it in its afterAll.
 */
import type { Role } from '../src/shared/policy.ts';
import { createPeeredNodes } from './federation.ts';
import { buildUser, signIn, type TestNode } from './helpers.ts';

export type Headers = Record<string, string>;

/** node-it (Italy) and node-md (Moldova), peered, each with one user signed in, in the role the test asks. */
export interface ItalyAndMoldova {
  it_: TestNode;
  md: TestNode;
  /** The session headers of node-it's user, and of node-md's. */
  itHeaders: Headers;
  mdHeaders: Headers;
  /** The agency of node-md's user. */
  mdAgency: string;
  close(): Promise<void>;
}

/**
 * The two nodes of the tests of what crosses a border: cross-border referrals (a case worker on each side) and MLA
 * requests (a prosecutor of the issuing node, an investigator of the executing one).
 */
export async function italyAndMoldova(roles: { it: Role; md: Role }): Promise<ItalyAndMoldova> {
  const [it_, md] = await createPeeredNodes(['node-it', 'IT'], ['node-md', 'MD']);
  const itHeaders = (await signIn(it_.app, await buildUser(it_.services, roles.it))).headers;
  const mdUser = await buildUser(md.services, roles.md);
  const mdHeaders = (await signIn(md.app, mdUser)).headers;
  return {
    it_,
    md,
    itHeaders,
    mdHeaders,
    mdAgency: mdUser.agencyId,
    async close() {
      await it_.close();
      await md.close();
    },
  };
}
