/** The words nodes and the web app share about messages between nodes (docs/federation.md). */

/** Why an inbox refuses a message: the `reason` of its signed receipt. */
export const MESSAGE_REJECTIONS = [
  'message_malformed',
  'sender_unknown',
  'sender_suspended',
  'signature_invalid',
  'recipient_wrong',
  'clock_skew',
  'message_replayed',
  'type_unknown',
  'body_invalid',
  'message_refused',
] as const;
export type Rejection = (typeof MESSAGE_REJECTIONS)[number];
