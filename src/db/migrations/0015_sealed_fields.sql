-- Free text and places at rest (issue #14, docs/data-at-rest.md): what can identify a person or say where they are is
-- kept only as ciphertext. What belongs to a survivor or her case is sealed under the survivor's data key (persons.
-- wrapped_key), so that erasing her identity erases it too; MLA text is sealed under the node's MLA data key, bound
-- to the request. Each sealed map holds field name -> ciphertext.
--
-- A wave 1 node holds these values in clear: the start-up step that follows the migrations (src/app/seal-at-rest.ts)
-- seals them into the new columns and empties the clear ones, in one transaction, and finds nothing left to do the
-- next time.

-- vic_/cas_ free text of the case, and the reason of a pending closure request ('closureReason')
alter table cases add column sealed jsonb not null default '{}';
-- hte_ street, city, state, postal code, coordinates and description
alter table movements add column sealed jsonb not null default '{}';
-- per_RoleDetails
alter table perpetrators add column sealed jsonb not null default '{}';
-- spl_Objectives, spl_ActionPlan
alter table support_plans add column sealed jsonb not null default '{}';

alter table risk_assessments add column safety_plan_sealed text;
alter table consents add column withdrawal_reason_sealed text;

alter table referrals add column reason_sealed text;
alter table referrals add column response_reason_sealed text;
alter table referrals alter column reason drop not null;

-- the measures' descriptions ([description or null, ...] in the order of `measures`) and the legal classification
alter table mla_requests add column measures_sealed text;
alter table mla_requests add column classification_sealed text;
alter table mla_requests alter column legal_classification drop not null;
