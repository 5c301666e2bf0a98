/**
 * The life of an MLA request and who moves it (docs/mla.md): the issuing node drafts, sends and closes; the
 * executing node does everything in between. Both nodes apply the same table, to their own actions and to the other
 * node's updates, so that their copies cannot drift apart.
 */

export const MLA_STATES = [
  'draft',
  'sent',
  'acknowledged',
  'recognised',
  'refused',
  'executing',
  'executed',
  'evidence_returned',
  'closed',
] as const;
export type MlaState = (typeof MLA_STATES)[number];

export const SIDES = ['issuing', 'executing'] as const;
export type Side = (typeof SIDES)[number];

export const MEASURES = [
  'bank_records',
  'witness_hearing',
  'video_hearing',
  'telephone_hearing',
  'search',
  'seizure',
  'subscriber_identification',
  'traffic_data',
  'interception',
  'covert_investigation',
  'asset_freezing',
  'other',
] as const;

export const PERSON_ROLES = ['suspect', 'victim', 'witness', 'account_holder', 'other'] as const;

interface Transition {
  /** The side whose node takes the action. */
  side: Side;
  from: readonly MlaState[];
  /** The state it leads to; null when the state stays (an extension, a postponement). */
  to: MlaState | null;
}

/** The actions after sending; sending itself travels as `passage.mla.request`, every one of these as an update. */
export const TRANSITIONS = {
  acknowledge: { side: 'executing', from: ['sent'], to: 'acknowledged' },
  recognise: { side: 'executing', from: ['acknowledged'], to: 'recognised' },
  refuse: { side: 'executing', from: ['acknowledged'], to: 'refused' },
  extend: { side: 'executing', from: ['sent', 'acknowledged'], to: null },
  start_execution: { side: 'executing', from: ['recognised'], to: 'executing' },
  postpone: { side: 'executing', from: ['recognised', 'executing'], to: null },
  executed: { side: 'executing', from: ['executing'], to: 'executed' },
  return_evidence: { side: 'executing', from: ['executed'], to: 'evidence_returned' },
  close: { side: 'issuing', from: ['refused', 'executed', 'evidence_returned'], to: 'closed' },
} as const satisfies Record<string, Transition>;
export type MlaAction = keyof typeof TRANSITIONS;
export const MLA_ACTIONS = Object.keys(TRANSITIONS) as MlaAction[];

/** The state `action` leads to from `state`, or null when the action is not open to `side` in that state. */
export function nextState(action: MlaAction, side: Side, state: MlaState): MlaState | null {
  const transition: Transition = TRANSITIONS[action];
  if (transition.side !== side || !transition.from.includes(state)) return null;
  return transition.to ?? state;
}

export const otherSide = (side: Side): Side => (side === 'issuing' ? 'executing' : 'issuing');
