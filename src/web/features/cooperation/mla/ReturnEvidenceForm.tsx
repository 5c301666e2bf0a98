import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChoiceField, TextField } from '../../../components/Field.tsx';
import { fieldText } from '../../../components/useForm.tsx';
import { casesApi } from '../../cases/cases-api.ts';
import { type EvidenceItem, evidenceApi, shortHash } from '../../evidence/evidence-api.ts';
import { type MlaRequest, mlaApi } from './mla-api.ts';
import { MlaProblem } from './mla-errors.tsx';
import { StepForm } from './StepForm.tsx';

interface ReturnEvidenceFormProps {
  request: MlaRequest;
  onReturned(request: MlaRequest): void;
  onCancel(): void;
}

/**
 * The evidence obtained, returned to the issuing node as a custody transfer. The executing node's copy of a request
 * names no case (the issuer's case stays with the issuer), so the user first names the case of this node that holds
 * the evidence, then picks its items.
 */
export function ReturnEvidenceForm({ request, onReturned, onCancel }: ReturnEvidenceFormProps) {
  const { t } = useTranslation();
  const [found, setFound] = useState<{ reference: string; items: EvidenceItem[] } | null>(null);
  const common = { pending: t('cooperation.mla.actions.working'), onCancel };

  if (found === null)
    return (
      <StepForm
        {...common}
        title={t('cooperation.mla.returnEvidence.title')}
        intro={t('cooperation.mla.returnEvidence.intro', { peer: request.peer })}
        submit={t('cooperation.mla.returnEvidence.find')}
        onSubmit={async (data) => {
          const reference = fieldText(data, 'caseReference');
          if (!reference) throw new MlaProblem('case_unknown', 'caseReference');
          const { cases } = await casesApi.list({ reference, limit: 20, offset: 0 });
          const match = cases.find((row) => row.reference.toLowerCase() === reference.toLowerCase());
          if (!match) throw new MlaProblem('case_unknown', 'caseReference');
          setFound({ reference: match.reference, items: await evidenceApi.list(match.id) });
        }}
      >
        {(errorFor) => (
          <TextField
            label={t('cooperation.mla.fields.case')}
            hint={t('cooperation.mla.returnEvidence.caseHint')}
            name="caseReference"
            required
            autoComplete="off"
            maxLength={40}
            errorId={errorFor('caseReference')}
          />
        )}
      </StepForm>
    );

  return (
    <StepForm
      {...common}
      title={t('cooperation.mla.returnEvidence.title')}
      intro={t('cooperation.mla.returnEvidence.pick', { reference: found.reference })}
      submit={t('cooperation.mla.actions.return_evidence')}
      fieldOf={{ transfers_unavailable: 'itemIds', forbidden: 'itemIds' }}
      onSubmit={async (data) => {
        const itemIds = data.getAll('itemIds').map(String);
        if (itemIds.length === 0) throw new MlaProblem('items_missing', 'itemIds');
        onReturned(await mlaApi.returnEvidence(request.id, itemIds));
      }}
    >
      {(errorFor) =>
        found.items.length === 0 ? (
          <p>{t('cooperation.mla.returnEvidence.none')}</p>
        ) : (
          <ChoiceField
            label={t('cooperation.mla.returnEvidence.items')}
            name="itemIds"
            type="checkbox"
            errorId={errorFor('itemIds')}
            options={found.items.map((item) => ({
              value: item.id,
              label: t('cooperation.mla.returnEvidence.item', { title: item.title, hash: shortHash(item.sha256) }),
            }))}
          />
        )
      }
    </StepForm>
  );
}
