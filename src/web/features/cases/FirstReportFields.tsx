import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Agency } from '../../api.ts';
import { ChoiceField, SelectField, TextAreaField, TextField } from '../../components/Field.tsx';
import {
  type Option,
  picklist,
  type TranslatedPicklist,
  useCountryOptions,
  useHtcdsLabel,
  useLanguageOptions,
} from './vocabulary.ts';

export type MovementKind = 'exploitation' | 'recruitment';

const today = () => new Date().toISOString().slice(0, 10);

/** The label of each control of the form, by its name, for the list of problems above the form. */
export function useFirstReportLabels(): (name: string) => string {
  const { t } = useTranslation();
  const labels: Record<string, string> = {
    'survivor.prs_FirstName': t('caseFields.prs_FirstName'),
    'survivor.prs_SecondName': t('caseFields.prs_SecondName'),
    'survivor.prs_Birthdate': t('caseFields.prs_Birthdate'),
    'survivor.prs_Gender': t('caseFields.prs_Gender'),
    'survivor.prs_Citizenship': t('caseFields.prs_Citizenship'),
    'survivor.prs_PrimaryLanguage': t('caseFields.prs_PrimaryLanguage'),
    'survivor.prs_MobilePhone': t('caseFields.prs_MobilePhone'),
    'survivor.prs_IdentityNumber': t('caseFields.prs_IdentityNumber'),
    'survivor.psg_Aliases': t('caseFields.psg_Aliases'),
    'victim.vic_TraffickingStatus': t('caseFields.vic_TraffickingStatus'),
    'victim.vic_TraffickingStatusDecisionMakingOrg': t('caseFields.vic_TraffickingStatusDecisionMakingOrg'),
    'victim.vic_TypeOfExploitation': t('caseFields.vic_TypeOfExploitation'),
    'victim.vic_MethodsOfControl': t('caseFields.vic_MethodsOfControl'),
    'exploitation.hte_City': t('newCase.exploitationCity'),
    'exploitation.hte_Country': t('newCase.exploitationCountry'),
    'recruitment.hte_City': t('newCase.recruitmentCity'),
    'recruitment.hte_Country': t('newCase.recruitmentCountry'),
    comment: t('newCase.comment'),
    reportedAt: t('newCase.reportedAt'),
    agencyId: t('cases.agency'),
  };
  return (name) => labels[name] ?? name;
}

interface FirstReportFieldsProps {
  /** The agencies to choose from, or null when the case can only belong to the user's own agency. */
  agencies: Agency[] | null;
  problemFor(name: string): ReactNode;
}

export function FirstReportFields({ agencies, problemFor }: FirstReportFieldsProps) {
  const { t } = useTranslation();
  const label = useHtcdsLabel();
  const countries = useCountryOptions();
  const languages = useLanguageOptions();
  const labels = useFirstReportLabels();
  const options = (field: TranslatedPicklist): Option[] =>
    picklist(field).map((value) => ({ value, label: label(field, value) }));

  /** Props every control shares: its name, label and problem. */
  const field = (name: string) => ({ name, label: labels(name), error: problemFor(name) });
  const choose = <option value="">{t('admin.choose')}</option>;
  const select = (name: string, choices: Option[]) => (
    <SelectField {...field(name)} defaultValue="">
      {choose}
      {choices.map((choice) => (
        <option key={choice.value} value={choice.value}>
          {choice.label}
        </option>
      ))}
    </SelectField>
  );

  return (
    <>
      {agencies &&
        select(
          'agencyId',
          agencies.map((agency) => ({ value: agency.id, label: agency.name })),
        )}
      <fieldset className="form-section">
        <legend>{t('newCase.person')}</legend>
        <p className="hint">{t('newCase.personHint')}</p>
        <div className="form-grid">
          <TextField {...field('survivor.prs_FirstName')} autoComplete="off" maxLength={2000} />
          <TextField {...field('survivor.prs_SecondName')} autoComplete="off" maxLength={2000} />
          <TextField {...field('survivor.prs_Birthdate')} type="date" max={today()} />
          {select('survivor.prs_Gender', options('prs_Gender'))}
          {select('survivor.prs_Citizenship', countries)}
          <div className="field-group">
            {select('survivor.prs_PrimaryLanguage', languages)}
            <label className="choice">
              <input type="checkbox" name="interpreter" value="yes" />
              {t('newCase.interpreter')}
            </label>
          </div>
          <TextField
            {...field('survivor.prs_MobilePhone')}
            hint={t('newCase.phoneHint')}
            type="tel"
            autoComplete="off"
            maxLength={40}
          />
        </div>
      </fieldset>

      <fieldset className="form-section">
        <legend>{t('newCase.exploitation')}</legend>
        {select('victim.vic_TraffickingStatus', options('vic_TraffickingStatus'))}
        <ChoiceField
          {...field('victim.vic_TypeOfExploitation')}
          type="checkbox"
          options={options('vic_TypeOfExploitation')}
          columns
        />
        <ChoiceField
          {...field('victim.vic_MethodsOfControl')}
          type="checkbox"
          options={options('vic_MethodsOfControl')}
          columns
        />
        <div className="form-grid">
          <TextField {...field('exploitation.hte_City')} autoComplete="off" maxLength={2000} />
          {select('exploitation.hte_Country', countries)}
        </div>
        <TextAreaField {...field('comment')} hint={t('newCase.commentHint')} maxLength={20000} />
      </fieldset>

      <details className="more-details">
        <summary>{t('newCase.more')}</summary>
        <div className="form-grid">
          <TextField {...field('reportedAt')} type="date" defaultValue={today()} max={today()} />
          <TextField {...field('survivor.prs_IdentityNumber')} autoComplete="off" maxLength={60} />
          <TextField
            {...field('survivor.psg_Aliases')}
            hint={t('newCase.aliasesHint')}
            autoComplete="off"
            maxLength={2000}
          />
          {select('victim.vic_TraffickingStatusDecisionMakingOrg', options('vic_TraffickingStatusDecisionMakingOrg'))}
          <TextField {...field('recruitment.hte_City')} autoComplete="off" maxLength={2000} />
          {select('recruitment.hte_Country', countries)}
        </div>
      </details>
    </>
  );
}
