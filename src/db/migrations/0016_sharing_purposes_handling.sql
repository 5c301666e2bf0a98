-- Consent by purpose, a disclosure log that records the end of a share, and handling codes and grading on everything
-- shared across borders (issue #14, items 5 and 11; docs/federation.md).

-- Consent to sharing names the uses it covers (scope.purposes: protection, services, prosecution, reintegration).
-- Records made before this migration named none. They are read conservatively, as covering only the use they were
-- given for: consent to in-country sharing was given for the referral of services (the only kind an in-country
-- referral had); consent to cross-border sharing covers the purposes of the referrals actually sent under it, and
-- none when none was sent (it must then be recorded again, for the purpose wanted).
update consents set scope = jsonb_set(scope, '{purposes}', '["services"]'::jsonb)
where purpose = 'sharing_in_country' and not (scope ? 'purposes');
update consents c
set scope = jsonb_set(c.scope, '{purposes}', coalesce(
  (select jsonb_agg(distinct r.purpose order by r.purpose) from cross_border_referrals r
   where r.direction = 'out' and r.consent_id = c.id),
  '[]'::jsonb))
where c.purpose = 'sharing_cross_border' and not (c.scope ? 'purposes');

-- An in-country referral says what it is for, as a cross-border one does; until now they were all for services.
alter table referrals add column purpose text not null default 'services'
  check (purpose in ('protection', 'services', 'prosecution', 'reintegration'));

-- The disclosure log records the end of a share too: its withdrawal by the sender, its erasure at the receiver, and
-- the receiver's signed confirmation of that erasure (the federation message, kept with its signature).
alter table disclosures drop constraint disclosures_kind_check;
alter table disclosures add constraint disclosures_kind_check
  check (kind in ('view', 'share', 'export', 'withdrawal', 'erasure', 'erasure_confirmed'));
-- what the entry is about (xb-referral:<id>, referral:<id>), and for a confirmation the id of the signed message
alter table disclosures add column reference text;
alter table disclosures add column confirmation text;

-- SIENA handling code and grading (src/shared/evidence.ts) on what crosses borders besides evidence. H0 (use only
-- for the stated purpose) is the default: it restricts the least that is still a restriction. Grading is optional.
alter table cross_border_referrals add column handling_code text not null default 'H0'
  check (handling_code in ('H0', 'H1', 'H2', 'H3'));
alter table cross_border_referrals add column source_reliability text check (source_reliability in ('A', 'B', 'C', 'X'));
alter table cross_border_referrals add column information_accuracy smallint check (information_accuracy between 1 and 4);

alter table jit_entries add column handling_code text not null default 'H0'
  check (handling_code in ('H0', 'H1', 'H2', 'H3'));
alter table jit_entries add column source_reliability text check (source_reliability in ('A', 'B', 'C', 'X'));
alter table jit_entries add column information_accuracy smallint check (information_accuracy between 1 and 4);

alter table mla_requests add column handling_code text not null default 'H0'
  check (handling_code in ('H0', 'H1', 'H2', 'H3'));
alter table mla_requests add column source_reliability text check (source_reliability in ('A', 'B', 'C', 'X'));
alter table mla_requests add column information_accuracy smallint check (information_accuracy between 1 and 4);
