/** How a JIT is shown: its agreement and members, and its shared space with the tasks read off the timeline. */
import { endOf } from './jit.inbound.ts';
import type { Author, JitRecord } from './jit.repository.ts';
import type { JitEntry } from './jit.schema.ts';

export interface JitView extends JitRecord {
  ended: boolean;
  members: { node: string; agency: string; joinedAt: string }[];
}

export interface JitTask {
  id: string;
  title: string;
  node: string;
  author: Author;
  at: string;
  assignedNode: string | null;
  due: string | null;
  status: 'open' | 'done';
  done: { node: string; author: Author; at: string } | null;
}

export interface JitSpace extends JitView {
  tasks: JitTask[];
  timeline: JitEntry[];
}

type Of<K extends JitEntry['kind']> = Extract<JitEntry, { kind: K }>;
const ofKind = <K extends JitEntry['kind']>(entries: JitEntry[], kind: K) =>
  entries.filter((e): e is Of<K> => e.kind === kind);

/** `entries` in timeline order; only the member entries are used. */
export function present(jit: JitRecord, entries: JitEntry[], now: Date): JitView {
  return {
    ...jit,
    ended: now.getTime() > endOf(jit.endsOn),
    members: ofKind(entries, 'member').map((e) => ({ node: e.node, agency: e.data.agency, joinedAt: e.at })),
  };
}

/**
 * The tasks are the task entries, each done by the first entry that marks it done. Parties' entries reach a node in
 * no set order across parties, so a task is shown done even if that entry arrived before the task itself.
 */
export function presentSpace(jit: JitRecord, timeline: JitEntry[], now: Date): JitSpace {
  const done = new Map<string, Of<'task_done'>>();
  for (const entry of ofKind(timeline, 'task_done'))
    if (!done.has(entry.data.taskId)) done.set(entry.data.taskId, entry);
  const tasks = ofKind(timeline, 'task').map((task): JitTask => {
    const closing = done.get(task.id);
    return {
      id: task.id,
      title: task.data.title,
      node: task.node,
      author: task.author,
      at: task.at,
      assignedNode: task.data.assignedNode,
      due: task.data.due,
      status: closing ? 'done' : 'open',
      done: closing ? { node: closing.node, author: closing.author, at: closing.at } : null,
    };
  });
  return { ...present(jit, timeline, now), tasks, timeline };
}
