import { useCallback, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { ChoiceField, SelectField, TextAreaField, TextField } from '../../components/Field.tsx';
import { fieldText } from '../../components/useForm.tsx';
import { Loaded, useResource } from '../../components/useResource.tsx';
import { DEFAULT_THRESHOLD, GROUP_SCHEMAS, type GroupSchema, type LinkageGroup, linkageApi } from './linkage-api.ts';
import { LinkageProblem, useLinkageForm } from './linkage-errors.tsx';

const MIN_LEGAL_BASIS = 10;
const isSchema = (value: string): value is GroupSchema => GROUP_SCHEMAS.some((schema) => schema === value);

/**
 * Makes a linkage group here; the node announces it to the unit and the other owners, who store it as it is, so that
 * no member types it again. The members are this node and its active peers.
 */
export function GroupForm({ nodeId, onCreated }: { nodeId: string; onCreated(group: LinkageGroup): void }) {
  const { t } = useTranslation();
  const ids = useId();
  const directory = useResource(useCallback(() => linkageApi.directory(), []));
  const form = useLinkageForm(
    async (data, element) => {
      const name = fieldText(data, 'name');
      const unit = fieldText(data, 'unit');
      const owners = data.getAll('owners').map(String);
      const schema = fieldText(data, 'schema');
      const thresholdText = fieldText(data, 'threshold');
      const legalBasis = fieldText(data, 'perpetratorLegalBasis');
      if (!name) throw new LinkageProblem('name_missing', 'name');
      if (!unit) throw new LinkageProblem('unit_missing', 'unit');
      if (owners.includes(unit)) throw new LinkageProblem('unit_is_owner', 'owners');
      if (owners.length < 2) throw new LinkageProblem('owners_too_few', 'owners');
      if (unit !== nodeId && !owners.includes(nodeId)) throw new LinkageProblem('not_member', 'owners');
      if (!isSchema(schema)) throw new LinkageProblem('schema_missing', 'schema');
      const threshold = thresholdText ? Number(thresholdText.replace(',', '.')) : DEFAULT_THRESHOLD;
      if (!(threshold > 0 && threshold <= 1)) throw new LinkageProblem('threshold_range', 'threshold');
      if (schema !== 'survivor' && !legalBasis)
        throw new LinkageProblem('linkage_legal_basis_required', 'perpetratorLegalBasis');
      if (legalBasis && legalBasis.length < MIN_LEGAL_BASIS)
        throw new LinkageProblem('legal_basis_short', 'perpetratorLegalBasis');
      const created = await linkageApi.createGroup({
        name,
        unit,
        owners,
        schema,
        threshold,
        ...(legalBasis ? { perpetratorLegalBasis: legalBasis } : {}),
      });
      element.reset();
      onCreated(created);
    },
    {
      peer_unknown: 'owners',
      linkage_group_exists: 'name',
      linkage_legal_basis_required: 'perpetratorLegalBasis',
    },
  );
  return (
    <form className="form subsection" noValidate aria-labelledby={`${ids}-title`} onSubmit={form.onSubmit}>
      <h3 id={`${ids}-title`}>{t('linkage.newGroup.title')}</h3>
      <p className="hint">{t('linkage.newGroup.intro')}</p>
      {form.error}
      <Loaded resource={directory}>
        {(peers) => {
          const members = [
            { value: nodeId, label: t('linkage.newGroup.thisNode', { node: nodeId }) },
            ...peers.map((peer) => ({ value: peer.nodeId, label: `${peer.name} (${peer.nodeId})` })),
          ];
          return (
            <>
              <TextField label={t('linkage.groups.name')} name="name" maxLength={200} errorId={form.errorFor('name')} />
              <SelectField
                label={t('linkage.groups.unit')}
                hint={t('linkage.newGroup.unitHint')}
                name="unit"
                defaultValue=""
                errorId={form.errorFor('unit')}
              >
                <option value="">{t('linkage.newGroup.choose')}</option>
                {members.map((member) => (
                  <option key={member.value} value={member.value}>
                    {member.label}
                  </option>
                ))}
              </SelectField>
              <ChoiceField
                label={t('linkage.groups.owners')}
                hint={t('linkage.newGroup.ownersHint')}
                name="owners"
                type="checkbox"
                columns
                errorId={form.errorFor('owners')}
                options={members}
              />
              <ChoiceField
                label={t('linkage.groups.schema')}
                name="schema"
                type="radio"
                errorId={form.errorFor('schema')}
                defaultValues={['survivor']}
                options={GROUP_SCHEMAS.map((schema) => ({ value: schema, label: t(`linkage.schemas.${schema}`) }))}
              />
              <TextField
                label={t('linkage.groups.threshold')}
                hint={t('linkage.newGroup.thresholdHint', { threshold: DEFAULT_THRESHOLD })}
                name="threshold"
                inputMode="decimal"
                defaultValue={String(DEFAULT_THRESHOLD)}
                errorId={form.errorFor('threshold')}
              />
              <TextAreaField
                label={t('linkage.groups.legalBasis')}
                hint={t('linkage.newGroup.legalBasisHint')}
                name="perpetratorLegalBasis"
                maxLength={1000}
                errorId={form.errorFor('perpetratorLegalBasis')}
              />
            </>
          );
        }}
      </Loaded>
      <button type="submit" className="button" aria-disabled={form.pending}>
        {form.pending ? t('linkage.newGroup.creating') : t('linkage.newGroup.submit')}
      </button>
    </form>
  );
}
