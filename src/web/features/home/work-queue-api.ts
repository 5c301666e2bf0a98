/** The signed-in user's work queue as the web app reads it: types from the API's schema, one shared cache entry. */
import type { WorkItem, WorkKind, WorkQueue } from '../../../modules/work-queue/work-queue.schema.ts';
import { request } from '../../api.ts';
import { useResource } from '../../components/useResource.tsx';

export type { WorkItem, WorkKind, WorkQueue };

/** The cache key of the queue: the home page and the menu's badges read the same entry, and changes refresh it. */
export const WORK_QUEUE_KEY = ['work-queue'] as const;

const loadQueue = () => request<WorkQueue>('GET', '/api/work-queue');

/** The queue, asked again every few seconds while it is on screen (others send referrals and alerts). */
export const useWorkQueue = () => useResource(loadQueue, { key: [...WORK_QUEUE_KEY], live: true });

/** The groups of the home page, in the order they are shown; referrals from the country and from abroad together. */
export const GROUPS = [
  { id: 'referrals', kinds: ['referral', 'cross_border_referral'] },
  { id: 'deadlines', kinds: ['mla_deadline'] },
  { id: 'alerts', kinds: ['linkage_alert'] },
  { id: 'risk', kinds: ['risk_reassessment'] },
  { id: 'cases', kinds: ['my_case'] },
] as const satisfies readonly { id: string; kinds: readonly WorkKind[] }[];
export type GroupId = (typeof GROUPS)[number]['id'];

/** How many things wait for an action of the user: the home badge (her open cases are her caseload, not a to-do). */
export const waitingCount = (queue: WorkQueue) =>
  Object.entries(queue.counts).reduce((sum, [kind, count]) => (kind === 'my_case' ? sum : sum + count), 0);
