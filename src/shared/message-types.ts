/**
 * The federation message types nodes exchange (docs/federation.md), for the screens that list messages: each has a
 * label in every locale (vocabulary-labels.test.ts checks this list against the modules' sources).
 */
export const MESSAGE_TYPES = [
  'passage.ping',
  'passage.referral.offer',
  'passage.referral.status',
  'passage.referral.update',
  'passage.referral.withdraw',
  'passage.referral.erased',
  'passage.mla.request',
  'passage.mla.update',
  'passage.jit.agreement',
  'passage.jit.entry',
  'passage.evidence.transfer',
  'passage.evidence.transfer_accepted',
  'passage.evidence.transfer_declined',
  'passage.evidence.permission_request',
  'passage.evidence.permission_decision',
  'passage.linkage.group',
  'passage.linkage.encodings',
  'passage.linkage.match',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** The locale key of a message type's label: `messageTypes.mla_update` for `passage.mla.update`. */
export const messageTypeKey = (type: MessageType) =>
  `messageTypes.${type.slice('passage.'.length).replace('.', '_')}` as const;

export const isMessageType = (value: string): value is MessageType =>
  (MESSAGE_TYPES as readonly string[]).includes(value);
