/**
 * The upgrade step of migrations 0015, 0019, 0020 and 0026 (docs/data-at-rest.md): a node written by wave 1 holds free text
 * and places in clear; each module that owns such columns seals its rows under the key of what they belong to and
 * empties the clear columns. It runs at every start after the migrations, in one transaction (all or nothing), and
 * finds nothing to do once it has run.
 */
import type { Services } from './services.ts';

export async function sealClearText(services: Services): Promise<number> {
  const { db, cases, care, survivors, mla, crossBorder, linkage, transfers, evidence } = services;
  return db.transaction(async (tx) => {
    let changed = 0;
    changed += await cases.sealClearText(tx);
    changed += await care.sealClearText(tx);
    changed += await survivors.sealClearText(tx);
    changed += await mla.sealClearText(tx);
    changed += await crossBorder.sealClearText(tx);
    changed += await linkage.alerts.sealClearText(tx);
    changed += await transfers.sealClearText(tx);
    changed += await evidence.items.sealClearText(tx);
    return changed;
  });
}
