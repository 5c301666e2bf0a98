/** The upgrade step that seals what a wave 1 node kept in clear, for the cases module's own tables. */
import type { Queryable } from '../../db/client.ts';
import { SEALED_CASE_FIELDS } from '../../shared/sealed-fields.ts';
import type { FieldVault } from '../key-custody/index.ts';
import type { CasePersons, DataSealer } from './case-persons.ts';
import { REASON, sealCase, sealFields, splitFields, withoutSealed } from './case-seal.ts';
import * as repo from './cases.repository.ts';

/**
 * Seals what a wave 1 node kept in clear (the upgrade step, src/app/seal-at-rest.ts, in its transaction): the
 * sealed fields of cases, movements and perpetrators, pending closure reasons and the reasons in case events. What
 * belongs to a survivor whose identity was erased is dropped instead: it should have gone with her; but the reason
 * of the erasure itself, kept in clear by wave 1, is sealed under the node data key. Returns how many records
 * changed; a second run finds none.
 */
export async function sealClearText(tx: Queryable, persons: CasePersons, reasons: FieldVault): Promise<number> {
  const sealers = new Map<string, DataSealer>();
  const sealerOf = async (caseId: string) => {
    let sealer = sealers.get(caseId);
    if (!sealer) {
      const found = await repo.findCase(tx, caseId);
      sealer = await persons.dataSealer(tx, found?.survivorId ?? '');
      sealers.set(caseId, sealer);
    }
    return sealer;
  };
  let changed = 0;
  for (const found of await repo.casesWithClearText(tx, SEALED_CASE_FIELDS)) {
    const sealer = await sealerOf(found.id);
    const pending = found.closureRequestedBy ? found.closureReason : null;
    const next = sealer.erased
      ? { victim: withoutSealed(found.victim), details: withoutSealed(found.details), sealed: {} }
      : sealCase(sealer, found.id, found.victim, found.details, pending);
    await repo.resealCase(tx, found.id, { ...next, sealed: { ...found.sealed, ...next.sealed } });
    changed++;
  }
  for (const table of ['movements', 'perpetrators'] as const) {
    const rows =
      table === 'movements'
        ? await repo.movementsWithClearText(tx, SEALED_CASE_FIELDS)
        : await repo.perpetratorsWithClearText(tx, SEALED_CASE_FIELDS);
    for (const record of rows) {
      const sealer = await sealerOf(record.caseId);
      const { fields, sealed } = sealer.erased
        ? { fields: withoutSealed(record.fields), sealed: {} }
        : splitFields(sealFields(sealer, record.id, record.fields));
      await repo.resealRecord(tx, table, record.id, fields, { ...record.sealed, ...sealed });
      changed++;
    }
  }
  for (const event of await repo.eventsWithClearReason(tx)) {
    const sealer = await sealerOf(event.caseId);
    const { reason, ...data } = event.data;
    // The erasure's own reason goes to the node's vault, as recordEvent seals it now (the survivor's key is gone).
    const next = sealer.erased
      ? event.type === 'identity_erased'
        ? { ...data, reasonVaulted: await reasons.seal(tx, event.caseId, REASON, String(reason)) }
        : { ...data, reasonErased: true }
      : { ...data, reasonSealed: sealer.seal(event.caseId, REASON, String(reason)) };
    await repo.replaceEventData(tx, event.seq, next);
    changed++;
  }
  return changed;
}
