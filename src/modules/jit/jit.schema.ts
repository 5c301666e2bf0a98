import { type Static, type TSchema, Type } from 'typebox';
import { handlingInput } from '../../shared/handling.ts';

const strict = { additionalProperties: false } as const;
const ULID = '^[0-9A-HJKMNP-TV-Z]{26}$';
const NODE_ID = '^[a-z0-9][a-z0-9-]{1,62}$';
const DAY = '^\\d{4}-\\d{2}-\\d{2}$';
const INSTANT = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$';

export const TEXT_MAX = 10_000;
export const TITLE_MAX = 500;
export const MAX_PARTIES = 20;

const NodeId = (description?: string) => Type.String({ pattern: NODE_ID, ...(description ? { description } : {}) });
const Day = (description: string) => Type.String({ pattern: DAY, description });

// What each kind of entry says. The same shapes are what travels in `passage.jit.entry` and what the API shows.
const MessageData = Type.Object({ text: Type.String({ minLength: 1, maxLength: TEXT_MAX }) }, strict);
const TaskData = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: TITLE_MAX }),
    assignedNode: Type.Union([NodeId(), Type.Null()], { description: 'The party asked to do it, or null' }),
    due: Type.Union([Type.String({ pattern: DAY }), Type.Null()]),
  },
  strict,
);
const TaskDoneData = Type.Object({ taskId: Type.String({ pattern: ULID }) }, strict);
const MemberData = Type.Object(
  { agency: Type.String({ minLength: 1, maxLength: 200, description: 'The name of the agency that joined' }) },
  strict,
);
const EvidenceData = Type.Object(
  {
    transferId: Type.String({ minLength: 1, maxLength: 100 }),
    to: NodeId('The party the items went to'),
    count: Type.Integer({ minimum: 1 }),
    files: Type.Array(Type.String({ maxLength: 500 }), { maxItems: 100, description: 'The file names of the items' }),
  },
  strict,
);

const Author = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: 'The display name of the person' }),
    agency: Type.Union([Type.String({ maxLength: 200 }), Type.Null()], { description: 'Their agency, by name' }),
  },
  strict,
);

const entryOf = <K extends string, D extends TSchema>(kind: K, data: D) =>
  Type.Object(
    {
      id: Type.String({ pattern: ULID }),
      node: NodeId('The party that wrote it'),
      author: Author,
      at: Type.String({ pattern: INSTANT }),
      kind: Type.Literal(kind),
      data,
      // The writer's handling code and grading; every party keeps them. A party of before they travelled sends none,
      // and its entries are H0 ungraded.
      ...handlingInput,
    },
    strict,
  );

/** One entry of the shared timeline, as it travels and as the API shows it. */
export const JitEntry = Type.Union(
  [
    entryOf('message', MessageData),
    entryOf('task', TaskData),
    entryOf('task_done', TaskDoneData),
    entryOf('member', MemberData),
    entryOf('evidence', EvidenceData),
  ],
  { $id: 'JitEntry' },
);
export type JitEntry = Static<typeof JitEntry>;
export type EntryData = JitEntry['data'];

const Agreement = {
  jitId: Type.String({ pattern: ULID }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  purpose: Type.String({ minLength: 1, maxLength: 2000 }),
  parties: Type.Array(NodeId(), { minItems: 2, maxItems: MAX_PARTIES + 1, uniqueItems: true }),
  startsOn: Type.String({ pattern: DAY }),
  endsOn: Type.String({ pattern: DAY }),
  createdAt: Type.String({ pattern: INSTANT }),
};

/** Body of `passage.jit.agreement`: the agreement and the members who joined before it was sent. */
export const AgreementMessage = Type.Object(
  { ...Agreement, members: Type.Array(entryOf('member', MemberData), { maxItems: 200 }) },
  strict,
);
export type AgreementMessage = Static<typeof AgreementMessage>;

/** Body of `passage.jit.entry`. */
export const EntryMessage = Type.Object(
  { jitId: Type.String({ pattern: ULID }), entry: Type.Union(JitEntry.anyOf) },
  strict,
);
export type EntryMessage = Static<typeof EntryMessage>;

export const JitParams = Type.Object({ jitId: Type.String() });
export const TaskParams = Type.Object({ jitId: Type.String(), taskId: Type.String() });

export const NewJit = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    purpose: Type.String({ minLength: 1, maxLength: 2000, description: 'The purpose the agreement states' }),
    parties: Type.Array(NodeId(), {
      minItems: 1,
      maxItems: MAX_PARTIES,
      description: 'The other parties: node ids of active peers (this node is a party too)',
    }),
    startsOn: Day('First day of the agreement (YYYY-MM-DD)'),
    endsOn: Day('Last day of the agreement; nothing is added to the JIT after it'),
    agencyIds: Type.Optional(
      Type.Array(Type.String(), { maxItems: 50, description: 'Agencies of this node taking part from the start' }),
    ),
  },
  strict,
);
export type NewJit = Static<typeof NewJit>;

export const AgencyBody = Type.Object({ agencyId: Type.String({ minLength: 1 }) }, strict);
export const MessageBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: TEXT_MAX }), ...handlingInput },
  strict,
);
export type MessageBody = Static<typeof MessageBody>;
export const NewTask = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: TITLE_MAX }),
    assignedNode: Type.Optional(NodeId('The party asked to do it')),
    due: Type.Optional(Day('When it is due (YYYY-MM-DD)')),
    ...handlingInput,
  },
  strict,
);
export type NewTask = Static<typeof NewTask>;
export const EvidenceBody = Type.Object(
  {
    to: NodeId('The party to send the items to'),
    itemIds: Type.Array(Type.String(), { minItems: 1, maxItems: 100, uniqueItems: true }),
  },
  strict,
);
export const ReadQuery = Type.Object(
  {
    purpose: Type.Union([Type.Literal('investigation'), Type.Literal('prosecution')], {
      description: 'Why you read the shared space (recorded in the audit trail)',
    }),
  },
  strict,
);

const Member = Type.Object({
  node: Type.String(),
  agency: Type.String(),
  joinedAt: Type.String({ format: 'date-time' }),
});

/** A JIT without its shared space: what a coordinator sees to name the agencies taking part. */
export const Jit = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    purpose: Type.String(),
    parties: Type.Array(Type.String(), { description: 'Every party, the creating node first' }),
    startsOn: Type.String({ format: 'date' }),
    endsOn: Type.String({ format: 'date' }),
    ended: Type.Boolean({ description: 'The end date has passed: nothing more can be added' }),
    createdByNode: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    agencyIds: Type.Array(Type.String(), { description: 'The agencies of this node taking part' }),
    members: Type.Array(Member, { description: 'The agencies of every party, in the order they joined' }),
  },
  { $id: 'Jit' },
);
export type Jit = Static<typeof Jit>;

const Task = Type.Object({
  id: Type.String({ description: 'The id of the entry that created it' }),
  title: Type.String(),
  node: Type.String(),
  author: Author,
  at: Type.String({ format: 'date-time' }),
  assignedNode: Type.Union([Type.String(), Type.Null()]),
  due: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  status: Type.Union([Type.Literal('open'), Type.Literal('done')]),
  done: Type.Union([Type.Object({ node: Type.String(), author: Author, at: Type.String() }), Type.Null()]),
});
export type JitTask = Static<typeof Task>;

/** A JIT with its shared space: tasks and the timeline, the same on every party. */
export const JitSpace = Type.Object(
  {
    ...Jit.properties,
    tasks: Type.Array(Task),
    timeline: Type.Array(Type.Ref('JitEntry'), { description: 'Ordered by time, then id' }),
  },
  { $id: 'JitSpace' },
);
export type JitSpace = Static<typeof JitSpace, { JitEntry: typeof JitEntry }>;
