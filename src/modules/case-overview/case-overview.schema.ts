import { type Static, Type } from 'typebox';
import { StageSpan } from '../cases/index.ts';

const Person = Type.Object({
  name: Type.String({ description: "The person's display name, or a peer node's name" }),
  agency: Type.Union([Type.String(), Type.Null()], { description: 'An agency the person works in' }),
  kind: Type.Union([Type.Literal('user'), Type.Literal('node'), Type.Literal('operator')]),
});

const ConsentState = Type.Object({
  purpose: Type.String(),
  decision: Type.Union([Type.Literal('granted'), Type.Literal('refused'), Type.Literal('override')]),
  recordedAt: Type.String({ format: 'date-time' }),
});

/** The sticky summary of a case page: each part is there only when the caller's roles let her read it. */
export const CaseOverviewSummary = Type.Object({
  stage: Type.String(),
  stageSince: Type.String({ format: 'date-time' }),
  riskLevel: Type.Optional(
    Type.Union([Type.String(), Type.Null()], { description: 'The latest assessment; null when none yet' }),
  ),
  consents: Type.Optional(
    Type.Array(ConsentState, { description: 'The standing (not withdrawn) consent of each purpose, newest' }),
  ),
  openReferrals: Type.Optional(
    Type.Object({
      inCountry: Type.Optional(Type.Integer({ description: 'Offered or accepted in-country referrals' })),
      crossBorder: Type.Optional(Type.Integer({ description: 'Offered or accepted cross-border referrals' })),
    }),
  ),
  evidenceCount: Type.Optional(Type.Integer()),
  nextDeadline: Type.Union(
    [
      Type.Object({
        at: Type.String({ format: 'date-time' }),
        kind: Type.Union([Type.Literal('mla'), Type.Literal('risk_reassessment')]),
      }),
      Type.Null(),
    ],
    {
      description:
        "The nearest of the case's clocks, as in the case list: an MLA deadline or the risk reassessment due",
    },
  ),
});

export const CaseOverview = Type.Object(
  {
    case: Type.Ref('Case'),
    stages: Type.Array(StageSpan),
    summary: CaseOverviewSummary,
    access: Type.Object({
      via: Type.Union([Type.Literal('agency'), Type.Literal('referral')], {
        description: "'referral' when the caller sees the case only because it was referred to her agency",
      }),
      ownerAgency: Type.String({ description: 'The name of the agency that holds the case' }),
    }),
    people: Type.Record(Type.String(), Person, {
      description: 'Names of those who acted on the case, by actor reference (user:<id>, node:<id>, operator:<name>)',
    }),
  },
  { $id: 'CaseOverview' },
);
export type CaseOverview = Static<typeof CaseOverview>;
export type CaseOverviewPerson = Static<typeof Person>;
