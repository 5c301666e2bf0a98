/**
 * Test data made the way the product makes it, through the services or the API, with defaults a test overrides by
 * naming only what it is about. Users come from `buildUser` (helpers.ts).
 */
import { expect } from 'vitest';
import type { Services } from '../src/app/services.ts';
import type { RequestContext } from '../src/modules/audit/index.ts';
import type { NewCase } from '../src/modules/cases/index.ts';
import type { Role } from '../src/shared/policy.ts';
import type { TestNode } from './helpers.ts';

/** The request context of a user acting in one role of one agency, as the authentication hook makes it. */
export function contextOf(user: { id: string; agencyId: string }, role: Role): RequestContext {
  return {
    actor: { kind: 'user', userId: user.id, memberships: [{ role, agencyId: user.agencyId }] },
    requestId: null,
  };
}

/** A survivor's fields at first report: a woman with no identity recorded, unless the test names some. */
export function buildSurvivor(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { prs_Gender: 'Feminine', ...fields };
}

/**
 * Opens a case in the actor's agency through the cases service, reported on 2026-03-01 unless the test says otherwise.
 * Its survivor has no name, which a deliberate report may do (confirmEmpty).
 */
export function buildCase(services: Services, ctx: RequestContext, input: Partial<NewCase> = {}) {
  return services.cases.create(ctx, {
    reportedAt: '2026-03-01',
    survivor: buildSurvivor(),
    confirmEmpty: true,
    ...input,
  });
}

/** Opens a case over the API and uploads a small text item to it. */
export async function uploadEvidence(node: TestNode, headers: Record<string, string>, title: string) {
  const opened = await node.app.inject({
    method: 'POST',
    url: '/api/cases',
    headers,
    payload: { survivor: buildSurvivor(), confirmEmpty: true },
  });
  expect(opened.statusCode, opened.body).toBe(201);
  const form = new FormData();
  form.append('title', title);
  form.append('handlingCode', 'H0');
  form.append('file', new Blob([`${title}\n`], { type: 'text/plain' }), `${title}.txt`);
  const uploaded = await node.app.inject({
    method: 'POST',
    url: `/api/cases/${opened.json().id}/evidence`,
    headers,
    payload: form,
  });
  expect(uploaded.statusCode, uploaded.body).toBe(201);
  return uploaded.json() as { id: string; sha256: string; title: string; fileName: string };
}
