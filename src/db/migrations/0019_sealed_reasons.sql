-- Issue 14 item 3, the rest (docs/data-at-rest.md): the reasons of an MLA request's extension and postponement and of
-- each step in its history are sealed under the node's MLA data key, bound to the request, like the rest of what the
-- request says. The clear columns stay for wave 1 rows until the upgrade step (src/app/seal-at-rest.ts) empties them.
alter table mla_requests add column extension_reason_sealed text;
alter table mla_requests add column postponement_reason_sealed text;
alter table mla_history add column reason_sealed text;
