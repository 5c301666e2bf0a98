import { useCallback, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ConsentRecord, consentCovers, type SharingPurpose } from '../../../../shared/consent.ts';
import { ChoiceField, SelectField, TextAreaField } from '../../../components/Field.tsx';
import { HandlingFields, handlingFrom } from '../../../components/Handling.tsx';
import { fieldText } from '../../../components/useForm.tsx';
import { Loaded, useResource } from '../../../components/useResource.tsx';
import { useCountryName, useListFormat } from '../../../i18n/format.ts';
import { type Case, casesApi } from '../../cases/cases-api.ts';
import { useFieldLabel } from '../../cases/FieldValues.tsx';
import {
  KINDS,
  type Kind,
  notCoveredFieldsOf,
  type PeerNode,
  REFERRAL_PURPOSES,
  type ReferralPurpose,
  sendableFields,
  xbApi,
} from './referrals-api.ts';
import { ReferralProblem, useReferralForm } from './referrals-errors.tsx';

interface OfferFormProps {
  found: Case;
  revision: number;
  onOffered(): void;
}

/**
 * Refers or transfers the case to a peer node. Once a node is chosen, the form says what the survivor's cross-border
 * consent covers for its country; the node checks it again and names any field picked that it does not cover.
 */
export function OfferForm({ found, revision, onOffered }: OfferFormProps) {
  const { t } = useTranslation();
  const ids = useId();
  const directory = useResource(useCallback(() => xbApi.directory(), []));
  // biome-ignore lint/correctness/useExhaustiveDependencies: a consent recorded or withdrawn bumps the revision.
  const consents = useResource(useCallback(() => casesApi.consents(found.id), [found.id, revision]));
  const fieldLabel = useFieldLabel();
  const list = useListFormat();
  const [to, setTo] = useState('');
  const [purpose, setPurpose] = useState<ReferralPurpose | ''>('');
  const [sent, setSent] = useState<string | null>(null);
  const [notCovered, setNotCovered] = useState<string[] | null>(null);
  const { identity, details } = sendableFields(found);
  const peer = directory.data?.find((node) => node.nodeId === to);

  const form = useReferralForm(
    async (data, element) => {
      setSent(null);
      setNotCovered(null);
      const node = fieldText(data, 'to');
      const kind = fieldText(data, 'kind') as Kind | '';
      const purpose = fieldText(data, 'purpose') as ReferralPurpose | '';
      const fields = data.getAll('fields').map(String);
      const note = fieldText(data, 'note');
      if (!node) throw new ReferralProblem('node_missing', 'to');
      if (!kind) throw new ReferralProblem('kind_missing', 'kind');
      if (!purpose) throw new ReferralProblem('purpose_missing', 'purpose');
      if (fields.length === 0) throw new ReferralProblem('fields_missing', 'fields');
      await xbApi.offer(found.id, {
        to: node,
        kind,
        purpose,
        fields,
        ...(note ? { note } : {}),
        ...handlingFrom(data),
      });
      setSent(t(`cooperation.referrals.offer.sent.${kind}`, { peer: node }));
      element.reset();
      setTo('');
      setPurpose('');
      onOffered();
    },
    {
      consent_required: 'to',
      consent_purpose_not_covered: 'purpose',
      handling_no_forwarding: 'to',
      peer_unknown: 'to',
      peer_suspended: 'to',
      peer_encryption_key_missing: 'to',
      referral_exists: 'to',
      fields_not_covered: 'fields',
      fields_invalid: 'fields',
    },
    (error) => setNotCovered(notCoveredFieldsOf(error)),
  );

  return (
    <form className="form subsection" noValidate aria-labelledby={`${ids}-title`} onSubmit={form.onSubmit}>
      <h3 id={`${ids}-title`}>{t('cooperation.referrals.offer.title')}</h3>
      <p className="hint">{t('cooperation.referrals.offer.intro')}</p>
      <p role="status" className={sent ? 'notice' : undefined}>
        {sent}
      </p>
      {form.error}
      {notCovered && notCovered.length > 0 && (
        <div className="notice">
          <p id={`${ids}-uncovered`}>{t('cooperation.referrals.offer.notCovered')}</p>
          <ul aria-labelledby={`${ids}-uncovered`}>
            {notCovered.map((name) => (
              <li key={name}>{fieldLabel(name)}</li>
            ))}
          </ul>
        </div>
      )}
      <Loaded resource={directory}>
        {(nodes) =>
          nodes.length === 0 ? (
            <p>{t('cooperation.referrals.offer.noPeers')}</p>
          ) : (
            <NodeField nodes={nodes} value={to} onChange={setTo} errorId={form.errorFor('to')} />
          )
        }
      </Loaded>
      {peer && consents.data && (
        <Coverage
          consents={consents.data}
          country={peer.country}
          purpose={purpose}
          fieldName={fieldLabel}
          list={list}
        />
      )}
      <ChoiceField
        label={t('cooperation.referrals.kind')}
        name="kind"
        type="radio"
        required
        defaultValues={['referral']}
        errorId={form.errorFor('kind')}
        options={KINDS.map((kind) => ({
          value: kind,
          label: `${t(`cooperation.referrals.kinds.${kind}`)} — ${t(`cooperation.referrals.kindHints.${kind}`)}`,
        }))}
      />
      <SelectField
        label={t('cooperation.referrals.purpose')}
        name="purpose"
        required
        defaultValue=""
        errorId={form.errorFor('purpose')}
        onChange={(event) => setPurpose(event.target.value as ReferralPurpose | '')}
      >
        <option value="">{t('admin.choose')}</option>
        {REFERRAL_PURPOSES.map((purpose) => (
          <option key={purpose} value={purpose}>
            {t(`cooperation.referrals.purposes.${purpose}`)}
          </option>
        ))}
      </SelectField>
      {identity.length > 0 && (
        <ChoiceField
          label={t('cooperation.referrals.offer.identityFields')}
          hint={t('cooperation.referrals.offer.identityHint')}
          name="fields"
          type="checkbox"
          columns
          errorId={form.errorFor('fields')}
          options={identity.map((name) => ({ value: name, label: fieldLabel(name) }))}
        />
      )}
      {details.length > 0 && (
        <ChoiceField
          label={t('cooperation.referrals.offer.caseFields')}
          name="fields"
          type="checkbox"
          columns
          errorId={form.errorFor('fields')}
          options={details.map((name) => ({ value: name, label: fieldLabel(name) }))}
        />
      )}
      <HandlingFields />
      <TextAreaField
        label={t('cooperation.referrals.offer.note')}
        hint={t('cooperation.referrals.offer.noteHint')}
        name="note"
        maxLength={2000}
      />
      <button type="submit" className="button" aria-disabled={form.pending}>
        {form.pending ? t('cooperation.referrals.pending') : t('cooperation.referrals.offer.submit')}
      </button>
    </form>
  );
}

interface NodeFieldProps {
  nodes: PeerNode[];
  value: string;
  onChange(nodeId: string): void;
  errorId?: string;
}

function NodeField({ nodes, value, onChange, errorId }: NodeFieldProps) {
  const { t } = useTranslation();
  const country = useCountryName();
  return (
    <SelectField
      label={t('cooperation.referrals.offer.to')}
      name="to"
      required
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      errorId={errorId}
    >
      <option value="">{t('admin.choose')}</option>
      {nodes.map((node) => (
        <option key={node.nodeId} value={node.nodeId}>
          {t('cooperation.referrals.offer.node', { name: node.name, country: country(node.country), id: node.nodeId })}
        </option>
      ))}
    </SelectField>
  );
}

interface CoverageProps {
  consents: ConsentRecord[];
  country: string;
  /** The purpose chosen so far: the consent must name it too. */
  purpose: ReferralPurpose | '';
  fieldName(name: string): string;
  list(items: string[]): string;
}

/** What the survivor's cross-border consent lets be sent to the chosen node's country, as the node will check it. */
function Coverage({ consents, country, purpose, fieldName, list }: CoverageProps) {
  const { t } = useTranslation();
  const countryName = useCountryName();
  const coverage = consentCovers(consents, 'sharing_cross_border', { country });
  const name = countryName(country);
  if (!coverage.covered) {
    return <p className="notice">{t('cooperation.referrals.coverage.none', { country: name })}</p>;
  }
  const basis = consents.find((record) => record.id === coverage.recordId);
  // A consent that names no fields covers every field (consent.ts uncoveredFields).
  const allowed = basis?.scope.fields ?? [];
  const uses = basis?.scope.purposes ?? [];
  const usable = !purpose || consentCovers(consents, 'sharing_cross_border', { country, use: purpose }).covered;
  const purposeName = (use: SharingPurpose) => t(`cooperation.referrals.purposes.${use}`);
  return (
    <>
      <p className="hint">
        {allowed.length === 0
          ? t(`cooperation.referrals.coverage.any.${coverage.basis}`, { country: name })
          : t(`cooperation.referrals.coverage.only.${coverage.basis}`, {
              country: name,
              fields: list(allowed.map(fieldName)),
            })}{' '}
        {uses.length > 0 && t('sharing.forUses', { list: list(uses.map(purposeName)) })}
      </p>
      {!usable && <p className="notice">{t('sharing.notForPurpose', { purpose: purposeName(purpose) })}</p>}
    </>
  );
}
