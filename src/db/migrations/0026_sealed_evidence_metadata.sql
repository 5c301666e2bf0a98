-- Issue 14 item 3, the last part (docs/data-at-rest.md): the free text of an evidence item's metadata (its title,
-- description, who collected it and where, its source, device, handling note and file name) may name the survivor
-- or say where she is. New items keep it only in `metadata_sealed`: the eight values as one JSON text sealed under
-- the data key of the case's survivor, bound to the item, so that erasing her identity erases it. The item, its
-- hashes and its custody history stay; the custody log and bags are written from the opened values, unchanged.
alter table evidence_items add column metadata_sealed text;
alter table evidence_items alter column title drop not null;
alter table evidence_items alter column file_name drop not null;

-- Items stay append-only, with one exception: the upgrade step (src/app/seal-at-rest.ts) must move the clear text a
-- wave 1 node stored into `metadata_sealed` once (or drop it, for a survivor whose identity was erased). That single
-- change is let through: a row that was never sealed and held clear text, whose eight clear columns all become null
-- and whose every other column stays as it was. Any other update, and every delete, is still refused.
create function evidence_item_seal_once() returns trigger language plpgsql as $$
declare
  clear constant text[] := array[
    'title', 'description', 'collected_by', 'collected_where', 'source', 'device', 'handling_note', 'file_name',
    'metadata_sealed'
  ];
begin
  if tg_op = 'UPDATE'
     and old.metadata_sealed is null and old.title is not null
     and new.title is null and new.description is null and new.collected_by is null
     and new.collected_where is null and new.source is null and new.device is null
     and new.handling_note is null and new.file_name is null
     and (to_jsonb(new) - clear) = (to_jsonb(old) - clear) then
    return new;
  end if;
  raise exception '% is append-only', tg_table_name;
end;
$$;

drop trigger evidence_items_no_change on evidence_items;
create trigger evidence_items_no_change before update or delete on evidence_items
  for each row execute function evidence_item_seal_once();
