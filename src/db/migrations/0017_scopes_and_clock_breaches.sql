-- An MLA execution clock's first breach that a postponement ended (docs/mla.md): the due date then in force and when
-- the postponement was granted. A later postponement replaces postponed_until, so the breach is kept here.
alter table mla_requests add column execution_breached_due timestamptz;
alter table mla_requests add column execution_breach_postponed_at timestamptz;
