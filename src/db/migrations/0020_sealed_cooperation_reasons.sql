-- Issue 14 item 3, cooperation records (docs/data-at-rest.md): the reasons given for a cross-border referral's status
-- and for a linkage alert's decision are free text that may name a person or say where she is. They are sealed under
-- the owning module's node data key (key custody's field vault of that kind), bound to the record. The clear columns
-- stay for wave 1 rows until the upgrade step (src/app/seal-at-rest.ts) seals and empties them.
alter table cross_border_referrals add column status_reason_sealed text;
alter table linkage_alerts add column reason_sealed text;
