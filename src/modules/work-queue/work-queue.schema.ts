/**
 * The signed-in user's work queue (GET /api/work-queue): what waits for her, from every module her roles reach, as
 * items that say what to do, where, and by when. Items carry references and names, never a survivor's identity.
 */
import { type Static, Type } from 'typebox';

export const WORK_KINDS = [
  'referral',
  'cross_border_referral',
  'mla_deadline',
  'linkage_alert',
  'risk_reassessment',
  'my_case',
] as const;
export type WorkKind = (typeof WORK_KINDS)[number];

const literals = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const WorkItem = Type.Object({
  kind: literals(WORK_KINDS),
  /** The id of what the item is about: the referral, MLA request, alert or case. */
  id: Type.String(),
  title: Type.String({ description: 'What to do, in plain English (the web app words it in the user language)' }),
  link: Type.String({ description: "The web app's page for it, e.g. /cases/<id>" }),
  caseId: nullable(Type.String()),
  caseReference: nullable(Type.String({ description: "The case's reference on this node, or on the sender's" })),
  from: nullable(Type.String({ description: 'Who sent it: an agency or a node, by name' })),
  purpose: nullable(Type.String({ description: 'What a referral is for' })),
  /** What the item is about in a few words: a case stage, a risk level, an MLA clock, an alert kind. */
  detail: nullable(Type.String()),
  receivedAt: nullable(Type.String({ format: 'date-time' })),
  due: nullable(Type.String({ format: 'date-time', description: 'When it is due; in the past once late' })),
  overdue: Type.Boolean(),
  /** For a referral waiting for an answer: the sender's reason, when the receiver may read it (docs/work-queue.md). */
  reason: Type.Optional(nullable(Type.String())),
});
export type WorkItem = Static<typeof WorkItem>;

export const WorkQueue = Type.Object({
  items: Type.Array(WorkItem),
  counts: Type.Object(
    Object.fromEntries(WORK_KINDS.map((kind) => [kind, Type.Integer({ minimum: 0 })])) as Record<
      WorkKind,
      ReturnType<typeof Type.Integer>
    >,
    { description: 'How many items of each kind, for the badges of the menu' },
  ),
  /** The kinds the user's roles can have at all: a kind left out is not hers, an empty kind is simply done. */
  kinds: Type.Array(literals(WORK_KINDS)),
});
export type WorkQueue = Static<typeof WorkQueue>;
