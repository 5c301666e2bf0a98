import { type Static, Type } from 'typebox';
import { LABEL_MAX } from './case-void.ts';
import { FILTER_NAME_MAX } from './saved-filters.ts';

const strict = { additionalProperties: false } as const;

export const CaseListPage = Type.Object({
  total: Type.Integer({ description: 'How many cases match the filter in all.' }),
  cases: Type.Array(Type.Ref('CaseSummary')),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: 'Pass it as `cursor` for the next page (null on the last page). Stable under new cases.',
  }),
});

export const CaseLabel = Type.Object(
  {
    label: Type.Union([Type.String({ maxLength: LABEL_MAX }), Type.Null()], {
      description:
        'A short label that tells the case apart in lists without identifying anyone (e.g. "Bus station, March"); ' +
        "empty or null removes it. Sealed under the survivor's data key: erasing her identity erases it.",
    }),
  },
  strict,
);

export const VoidRequest = Type.Object(
  {
    reason: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: 'Why the case was created in error; kept, sealed, in the case history.',
    }),
  },
  strict,
);

/** What a saved filter keeps: the list's query without its page. */
export const ListFilter = Type.Object(
  {
    stage: Type.Optional(Type.String({ maxLength: 40 })),
    reference: Type.Optional(Type.String({ maxLength: 40 })),
    mine: Type.Optional(Type.Boolean()),
    sort: Type.Optional(
      Type.Union([
        Type.Literal('lastActivity'),
        Type.Literal('nextDeadline'),
        Type.Literal('reference'),
        Type.Literal('risk'),
      ]),
    ),
    dir: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
  },
  strict,
);
export type ListFilter = Static<typeof ListFilter>;

export const NewSavedFilter = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: FILTER_NAME_MAX }), filter: ListFilter },
  strict,
);

export const SavedFilter = Type.Object(
  { id: Type.String(), name: Type.String(), filter: ListFilter, createdAt: Type.String({ format: 'date-time' }) },
  { $id: 'SavedCaseFilter' },
);
export type SavedFilter = Static<typeof SavedFilter>;

export const FilterParams = Type.Object({ filterId: Type.String({ pattern: '^[0-9A-Z]{26}$' }) }, strict);
