-- Issue 14: every read of protected data and every refusal leaves a record.
-- `resources`: the records a list read showed (one record per list request, not one per row), or the ids a refused
-- request asked for. `omitted`: on a summary record, how many more refusals of the same kind and source were counted
-- but not recorded one by one (refusal records are rate-limited so that a flood cannot drown the trail). Both stay
-- null on every other record, whose hash therefore covers exactly the fields it covered before.
alter table audit_log add column resources text[];
alter table audit_log add column omitted integer check (omitted > 0);
-- Whether a request's refusal is already in the trail (the policy layer records its own) is asked by request id.
create index audit_log_request_id on audit_log (request_id);
create index audit_log_resources on audit_log using gin (resources);
