/** The vocabulary of linkage across nodes that the node checks and the web app offers (docs/linkage.md). */

/** Which records a group links: survivors, perpetrators (with phones), or both. */
export const GROUP_SCHEMAS = ['survivor', 'perpetrator', 'both'] as const;
export type GroupSchema = (typeof GROUP_SCHEMAS)[number];
export const RECORD_KINDS = ['survivor', 'perpetrator', 'phone'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];
export const ALERT_STATUSES = ['open', 'confirmed', 'dismissed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** The least Dice score a group matches at when it names none. */
export const DEFAULT_GROUP_THRESHOLD = 0.8;
