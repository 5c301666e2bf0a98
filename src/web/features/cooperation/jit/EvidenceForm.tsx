import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChoiceField, SelectField, TextField } from '../../../components/Field.tsx';
import { fieldText } from '../../../components/useForm.tsx';
import { casesApi } from '../../cases/cases-api.ts';
import { type EvidenceItem, evidenceApi, shortHash } from '../../evidence/evidence-api.ts';
import { type JitEntry, type JitSpace, jitApi } from './jit-api.ts';
import { JitProblem, useJitForm } from './jit-errors.tsx';

interface EvidenceFormProps {
  space: JitSpace;
  ownNode: string | null;
  onShared(entry: JitEntry): void;
}

/**
 * Shares evidence items of a case of this node with another party, as a custody transfer; every party's timeline
 * shows who shared what with whom. The user names the case first, then picks its items and the party.
 */
export function EvidenceForm({ space, ownNode, onShared }: EvidenceFormProps) {
  const { t } = useTranslation();
  const ids = useId();
  const [found, setFound] = useState<{ reference: string; items: EvidenceItem[] } | null>(null);
  const [shared, setShared] = useState<string | null>(null);
  const others = space.parties.filter((party) => party !== ownNode);

  const find = useJitForm(async (data) => {
    setShared(null);
    const reference = fieldText(data, 'caseReference');
    if (!reference) throw new JitProblem('case_unknown', 'caseReference');
    const { cases } = await casesApi.list({ reference, limit: 20, offset: 0 });
    const match = cases.find((row) => row.reference.toLowerCase() === reference.toLowerCase());
    if (!match) throw new JitProblem('case_unknown', 'caseReference');
    setFound({ reference: match.reference, items: await evidenceApi.list(match.id) });
  });

  const share = useJitForm(
    async (data) => {
      const to = fieldText(data, 'to');
      const itemIds = data.getAll('itemIds').map(String);
      if (!to) throw new JitProblem('recipient_missing', 'to');
      if (itemIds.length === 0) throw new JitProblem('items_missing', 'itemIds');
      onShared(await jitApi.shareEvidence(space.id, { to, itemIds }));
      setShared(t('cooperation.jit.evidence.shared', { count: itemIds.length }));
      setFound(null);
    },
    { jit_party_unknown: 'to', forbidden: 'itemIds', not_found: 'itemIds' },
  );

  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('cooperation.jit.evidence.title')}</h2>
      <p className="hint">{t('cooperation.jit.evidence.intro')}</p>
      <p role="status" className={shared ? 'notice' : undefined}>
        {shared}
      </p>
      {found === null ? (
        <form className="form" noValidate aria-label={t('cooperation.jit.evidence.findLabel')} onSubmit={find.onSubmit}>
          {find.error}
          <TextField
            label={t('cooperation.jit.evidence.case')}
            hint={t('cooperation.jit.evidence.caseHint')}
            name="caseReference"
            required
            autoComplete="off"
            maxLength={40}
            errorId={find.errorFor('caseReference')}
          />
          <button type="submit" className="button secondary" aria-disabled={find.pending}>
            {find.pending ? t('cooperation.jit.working') : t('cooperation.jit.evidence.find')}
          </button>
        </form>
      ) : (
        <form
          className="form"
          noValidate
          aria-label={t('cooperation.jit.evidence.shareLabel')}
          onSubmit={share.onSubmit}
        >
          <p>{t('cooperation.jit.evidence.pick', { reference: found.reference })}</p>
          {share.error}
          {found.items.length === 0 ? (
            <p>{t('cooperation.jit.evidence.none')}</p>
          ) : (
            <>
              <SelectField
                label={t('cooperation.jit.evidence.to')}
                name="to"
                required
                defaultValue={others.length === 1 ? others[0] : ''}
                errorId={share.errorFor('to')}
              >
                <option value="">{t('admin.choose')}</option>
                {others.map((party) => (
                  <option key={party} value={party}>
                    {party}
                  </option>
                ))}
              </SelectField>
              <ChoiceField
                label={t('cooperation.jit.evidence.items')}
                name="itemIds"
                type="checkbox"
                errorId={share.errorFor('itemIds')}
                options={found.items.map((item) => ({
                  value: item.id,
                  label: t('cooperation.jit.evidence.item', { title: item.title, hash: shortHash(item.sha256) }),
                }))}
              />
            </>
          )}
          <div className="actions">
            {found.items.length > 0 && (
              <button type="submit" className="button" aria-disabled={share.pending}>
                {share.pending ? t('cooperation.jit.working') : t('cooperation.jit.evidence.submit')}
              </button>
            )}
            <button type="button" className="button secondary" onClick={() => setFound(null)}>
              {t('cooperation.jit.evidence.otherCase')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
