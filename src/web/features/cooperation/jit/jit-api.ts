/**
 * The joint investigation teams API as the web app sees it: the teams this node takes part in, and each team's shared
 * space. Types come from the API's schemas and rules from the shared policy, so that the app offers what the node
 * accepts.
 */
import type { Jit, JitEntry, JitSpace, JitTask, NewJit, NewTask } from '../../../../modules/jit/jit.schema.ts';
import type { Handling } from '../../../../shared/handling.ts';
import { type Action, type Actor, can, RULES } from '../../../../shared/policy.ts';
import { type Purpose, request, type SessionUser } from '../../../api.ts';

export type { Jit, JitEntry, JitSpace, JitTask, NewJit, NewTask };
export type EntryKind = JitEntry['kind'];

/** The purposes for which the shared space may be read; the node records the one given with each read. */
export const JIT_PURPOSES: readonly Purpose[] = RULES['jit.read'].purposes;

export const jitPath = (id: string) => `/cooperation/jit/${encodeURIComponent(id)}`;
const path = (id: string, rest = '') => `/api/jits/${encodeURIComponent(id)}${rest}`;

export const jitApi = {
  list: () => request<Jit[]>('GET', '/api/jits'),
  create: (jit: NewJit) => request<Jit>('POST', '/api/jits', jit),
  get: (id: string, purpose: Purpose) => request<JitSpace>('GET', `${path(id)}?${new URLSearchParams({ purpose })}`),
  addAgency: (id: string, agencyId: string) => request<Jit>('POST', path(id, '/agencies'), { agencyId }),
  postMessage: (id: string, text: string, handling: Partial<Handling> = {}) =>
    request<JitEntry>('POST', path(id, '/messages'), { text, ...handling }),
  addTask: (id: string, task: NewTask) => request<JitEntry>('POST', path(id, '/tasks'), task),
  completeTask: (id: string, taskId: string) =>
    request<JitEntry>('POST', path(id, `/tasks/${encodeURIComponent(taskId)}/done`)),
  shareEvidence: (id: string, share: { to: string; itemIds: string[] }) =>
    request<JitEntry>('POST', path(id, '/evidence'), share),
};

const actorOf = (user: SessionUser): Actor => ({
  kind: 'user',
  userId: user.id,
  memberships: user.roles.map((grant) => ({ role: grant.role, agencyId: grant.agencyId })),
});

/**
 * Whether the policy lets the user do `action` in this team: the agencies of this node taking part are the ones it is
 * shared with. The node decides again.
 */
export function allowsInJit(user: SessionUser, action: Action, jit: Pick<Jit, 'agencyIds'>, purpose?: Purpose) {
  return can(actorOf(user), action, { sharedWith: jit.agencyIds }, purpose).allowed;
}

/** Whether the user may set teams up at all: node-wide, or for an agency of theirs that takes part. */
export const mayManageSome = (user: SessionUser) =>
  user.roles.some((grant) => RULES['jit.manage'].roles.some((role) => role === grant.role));

/**
 * The space with an entry this user just wrote, as the node would show it on the next read: the entry at the end of
 * the timeline, a task added to the tasks, a task marked done.
 */
export function withEntry(space: JitSpace, entry: JitEntry): JitSpace {
  const timeline = [...space.timeline, entry];
  let { tasks, members } = space;
  if (entry.kind === 'task') {
    const { title, assignedNode, due } = entry.data;
    const { id, node, author, at } = entry;
    tasks = [...tasks, { id, title, node, author, at, assignedNode, due, status: 'open', done: null }];
  } else if (entry.kind === 'task_done') {
    const done = { node: entry.node, author: entry.author, at: entry.at };
    tasks = tasks.map((task) => (task.id === entry.data.taskId ? { ...task, status: 'done', done } : task));
  } else if (entry.kind === 'member') {
    members = [...members, { node: entry.node, agency: entry.data.agency, joinedAt: entry.at }];
  }
  return { ...space, timeline, tasks, members };
}

/** Today in UTC as YYYY-MM-DD, as the node counts a team's days. */
export const today = () => new Date().toISOString().slice(0, 10);
