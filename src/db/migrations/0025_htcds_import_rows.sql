-- Issue 15 item 7: a forgiving import. Each row imported from a spreadsheet is remembered by a key, so that importing
-- the same file again (or the file of rejected rows, fixed, with the rows that went in the first time) does not create
-- a case twice. The key is the submission's id (KoBoToolbox/ODK), the Passage reference of an exported case, or else a
-- SHA-256 digest of the row's fields: a digest, never the values. `provenance` keeps the toolkit's columns that Passage
-- does not set from input (the case owner named in the file, the outgoing referral columns, the toolkit's own status),
-- so that an export gives them back unchanged.
create table htcds_import_rows (
  agency_id text not null references agencies (id),
  row_key text not null,
  case_id text not null references cases (id),
  -- the case's reference, to tell the user which case a skipped row already is
  reference text not null,
  provenance jsonb not null default '{}',
  imported_at timestamptz not null,
  primary key (agency_id, row_key)
);

create index htcds_import_rows_case on htcds_import_rows (case_id);
