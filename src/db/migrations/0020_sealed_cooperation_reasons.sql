-- Issue 14 item 3, the reasons of cooperation records (docs/data-at-rest.md): free text that may name a person or say
-- where she is. A cross-border referral's status reason and a linkage alert's decision reason are sealed under the
-- data key of the case's survivor (erased with her identity; a received offer that never became a case: under the
-- node's cross-border data key); the reasons of an evidence exchange (a transfer's decline, a permission request and
-- its answer) under the node's evidence exchange data key. Each is bound to its record. The clear columns stay for
-- wave 1 rows until the upgrade step (src/app/seal-at-rest.ts) seals and empties them; a permission request's reason,
-- required in clear before, is now held sealed only.
alter table cross_border_referrals add column status_reason_sealed text;
alter table linkage_alerts add column reason_sealed text;
alter table evidence_transfers add column decline_reason_sealed text;
alter table evidence_permissions add column reason_sealed text;
alter table evidence_permissions add column decision_reason_sealed text;
alter table evidence_permissions alter column reason drop not null;
