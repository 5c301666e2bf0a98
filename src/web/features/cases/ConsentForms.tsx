import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isSharingConsent, SHARING_PURPOSES, type SharingPurpose } from '../../../shared/consent.ts';
import { isCountryCode } from '../../../shared/countries.ts';
import type { Agency } from '../../api.ts';
import { ChoiceField, SelectField, TextAreaField, TextField } from '../../components/Field.tsx';
import { FormProblem, fieldText, useForm } from '../../components/useForm.tsx';
import { type Consent, casesApi } from './cases-api.ts';
import { useFieldLabel } from './FieldValues.tsx';
import {
  CONSENT_METHODS,
  CONSENT_PURPOSES,
  type ConsentMethod,
  type ConsentPurpose,
  useLanguageOptions,
} from './vocabulary.ts';

/** The server's minimum for a legal basis: the law, article and decision it rests on. */
const LEGAL_BASIS_MIN = 10;

/**
 * The scope the form's fields give: countries, agencies, for cross-border sharing the fields it covers, and for
 * consent to sharing the uses it covers.
 */
function scopeFrom(data: FormData) {
  const fields = data.getAll('fields').map(String);
  const purposes = data.getAll('uses').map(String) as SharingPurpose[];
  return {
    countries: countriesFrom(data),
    agencies: data.getAll('agencies').map(String),
    ...(fields.length > 0 ? { fields } : {}),
    ...(purposes.length > 0 ? { purposes } : {}),
  };
}

/** Countries typed as ISO codes ("MD, IT"), or a problem with the field. */
function countriesFrom(data: FormData): string[] {
  const codes = fieldText(data, 'countries')
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map((code) => code.toUpperCase());
  if (codes.some((code) => !isCountryCode(code))) throw new FormProblem('countries_format', 'countries');
  return [...new Set(codes)];
}

interface ScopeFieldsProps {
  agencies: Agency[];
  /** The purpose chosen so far: consent to cross-border sharing may name the fields it covers. */
  purpose: string;
  /** The fields of the case a cross-border referral could send. */
  shareable: readonly string[];
  errorId?: string;
}

function ScopeFields({ agencies, purpose, shareable, errorId }: ScopeFieldsProps) {
  const { t } = useTranslation();
  const fieldLabel = useFieldLabel();
  return (
    <fieldset className="form-section">
      <legend>{t('consent.scope')}</legend>
      <p className="hint">{t('consent.scopeHint')}</p>
      <TextField
        label={t('consent.countries')}
        hint={t('consent.countriesHint')}
        name="countries"
        autoComplete="off"
        maxLength={200}
        errorId={errorId}
      />
      {agencies.length > 0 && (
        <ChoiceField
          label={t('consent.agencies')}
          name="agencies"
          type="checkbox"
          options={agencies.map((agency) => ({ value: agency.id, label: agency.name }))}
        />
      )}
      {isSharingConsent(purpose) && (
        <ChoiceField
          label={t('sharing.uses')}
          hint={t('sharing.usesHint')}
          name="uses"
          type="checkbox"
          options={SHARING_PURPOSES.map((use) => ({ value: use, label: t(`cooperation.referrals.purposes.${use}`) }))}
        />
      )}
      {purpose === 'sharing_cross_border' && shareable.length > 0 && (
        <ChoiceField
          label={t('consent.fields')}
          hint={t('consent.fieldsHint')}
          name="fields"
          type="checkbox"
          columns
          options={shareable.map((name) => ({ value: name, label: fieldLabel(name) }))}
        />
      )}
    </fieldset>
  );
}

function PurposeField({ errorId, onChange }: { errorId?: string; onChange(purpose: string): void }) {
  const { t } = useTranslation();
  return (
    <SelectField
      label={t('consent.purpose')}
      name="purpose"
      required
      defaultValue=""
      errorId={errorId}
      onChange={(event) => onChange(event.target.value)}
    >
      <option value="">{t('admin.choose')}</option>
      {CONSENT_PURPOSES.map((purpose) => (
        <option key={purpose} value={purpose}>
          {t(`consentPurposes.${purpose}`)}
        </option>
      ))}
    </SelectField>
  );
}

interface ConsentFormProps {
  caseId: string;
  agencies: Agency[];
  /** The fields of the case a cross-border referral could send, which a cross-border consent may name. */
  shareable: readonly string[];
  /** The survivor's language, the likeliest one they were informed in. */
  language: string | undefined;
  onRecorded(consent: Consent): void;
}

/** Records what the survivor decided for one purpose, and how they were informed. */
export function ConsentForm({ caseId, agencies, shareable, language, onRecorded }: ConsentFormProps) {
  const { t } = useTranslation();
  const ids = useId();
  const [chosen, setChosen] = useState('');
  const languages = useLanguageOptions(language);
  const [saved, setSaved] = useState<string | null>(null);
  const form = useForm(async (data, element) => {
    setSaved(null);
    const purpose = fieldText(data, 'purpose') as ConsentPurpose | '';
    const decision = fieldText(data, 'decision') as 'granted' | 'refused' | '';
    const method = fieldText(data, 'method') as ConsentMethod | '';
    const spoken = fieldText(data, 'language');
    if (!purpose) throw new FormProblem('missing_fields', 'purpose');
    if (!decision) throw new FormProblem('missing_fields', 'decision');
    const scope = scopeFrom(data);
    if (!method) throw new FormProblem('missing_fields', 'method');
    if (!spoken) throw new FormProblem('missing_fields', 'language');
    const consent = await casesApi.recordConsent(caseId, {
      purpose,
      decision,
      method,
      language: spoken,
      scope,
      ...(data.get('interpreter') ? { interpreter: true } : {}),
    });
    onRecorded(consent);
    setSaved(
      t(decision === 'granted' ? 'consent.savedGranted' : 'consent.savedRefused', {
        purpose: t(`consentPurposes.${purpose}`),
      }),
    );
    element.reset();
    setChosen('');
  });

  return (
    <form className="form subsection" noValidate aria-labelledby={`${ids}-title`} onSubmit={form.onSubmit}>
      <h3 id={`${ids}-title`}>{t('consent.recordTitle')}</h3>
      <p role="status" className={saved ? 'notice' : undefined}>
        {saved}
      </p>
      {form.error}
      <PurposeField errorId={form.errorFor('purpose')} onChange={setChosen} />
      <ChoiceField
        label={t('consent.decision')}
        name="decision"
        type="radio"
        required
        errorId={form.errorFor('decision')}
        options={[
          { value: 'granted', label: t('consent.granted') },
          { value: 'refused', label: t('consent.refused') },
        ]}
      />
      <ScopeFields agencies={agencies} purpose={chosen} shareable={shareable} errorId={form.errorFor('countries')} />
      <SelectField label={t('consent.method')} name="method" required defaultValue="" errorId={form.errorFor('method')}>
        <option value="">{t('admin.choose')}</option>
        {CONSENT_METHODS.map((method) => (
          <option key={method} value={method}>
            {t(`consentMethods.${method}`)}
          </option>
        ))}
      </SelectField>
      <SelectField
        label={t('consent.language')}
        hint={t('consent.languageHint')}
        name="language"
        required
        defaultValue={language ?? ''}
        errorId={form.errorFor('language')}
      >
        <option value="">{t('admin.choose')}</option>
        {languages.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </SelectField>
      <label className="choice">
        <input type="checkbox" name="interpreter" value="yes" />
        {t('consent.interpreter')}
      </label>
      <button type="submit" className="button" aria-disabled={form.pending}>
        {form.pending ? t('stageBar.saving') : t('consent.submit')}
      </button>
    </form>
  );
}

/** A use the survivor did not consent to, on a legal basis; the survivor is told of it. */
export function OverrideForm({ caseId, agencies, shareable, onRecorded }: Omit<ConsentFormProps, 'language'>) {
  const { t } = useTranslation();
  const ids = useId();
  const [chosen, setChosen] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const form = useForm(async (data, element) => {
    setSaved(null);
    const purpose = fieldText(data, 'purpose') as ConsentPurpose | '';
    if (!purpose) throw new FormProblem('missing_fields', 'purpose');
    const scope = scopeFrom(data);
    const legalBasis = fieldText(data, 'legalBasis');
    if (legalBasis.length < LEGAL_BASIS_MIN) throw new FormProblem('legal_basis_short', 'legalBasis');
    const consent = await casesApi.overrideConsent(caseId, {
      purpose,
      legalBasis,
      scope,
    });
    onRecorded(consent);
    setSaved(t('consent.overridden', { purpose: t(`consentPurposes.${purpose}`) }));
    element.reset();
    setChosen('');
  });

  return (
    <form className="form subsection" noValidate aria-labelledby={`${ids}-title`} onSubmit={form.onSubmit}>
      <h3 id={`${ids}-title`}>{t('consent.overrideTitle')}</h3>
      <p className="hint">{t('consent.overrideIntro')}</p>
      <p role="status" className={saved ? 'notice' : undefined}>
        {saved}
      </p>
      {form.error}
      <PurposeField errorId={form.errorFor('purpose')} onChange={setChosen} />
      <ScopeFields agencies={agencies} purpose={chosen} shareable={shareable} errorId={form.errorFor('countries')} />
      <TextAreaField
        label={t('consent.legalBasis')}
        hint={t('consent.legalBasisHint', { count: LEGAL_BASIS_MIN })}
        name="legalBasis"
        required
        maxLength={2000}
        errorId={form.errorFor('legalBasis')}
      />
      <button type="submit" className="button danger" aria-disabled={form.pending}>
        {form.pending ? t('stageBar.saving') : t('consent.overrideSubmit')}
      </button>
    </form>
  );
}
