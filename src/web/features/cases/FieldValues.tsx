import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldDefinition } from '../../../shared/case-fields.ts';
import { DAY, useCountryName, useDateFormat, useListFormat } from '../../i18n/format.ts';
import { useHtcdsLabel, useLanguageName } from './vocabulary.ts';

type Value = string | number | boolean | string[] | undefined;

/** The name of a case field in the chosen language; the standard's English label for fields the app has no words for. */
export function useFieldLabel(): (name: string) => string {
  const { t, i18n } = useTranslation();
  return useCallback(
    (name: string) => {
      const key = `caseFields.${name}`;
      if (i18n.exists(key)) return t(key as never);
      return fieldDefinition(name)?.label ?? name;
    },
    [t, i18n],
  );
}

/** What kind of value a field holds, from its HTCDS definition, for showing it. */
function kindOf(name: string): 'country' | 'language' | 'date' | 'phone' | 'picklist' | 'other' {
  const field = fieldDefinition(name);
  const type = field?.type.toLowerCase() ?? '';
  const standard = field?.valueStandard ?? '';
  if (standard.startsWith('ISO 3166') || name.endsWith('Country')) return 'country';
  if (standard.startsWith('ISO 639') || type === 'language') return 'language';
  if (type === 'date') return 'date';
  if (name.endsWith('Phone')) return 'phone';
  if (type.includes('picklist') && (field?.values?.length ?? 0) > 0) return 'picklist';
  return 'other';
}

/** A field's value as a person reads it: countries and languages by name, dates in the local style, HTCDS labels. */
export function FieldValueText({ name, value }: { name: string; value: Value }) {
  const { t } = useTranslation();
  const country = useCountryName();
  const language = useLanguageName();
  const day = useDateFormat(DAY);
  const label = useHtcdsLabel();
  const list = useListFormat();
  if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return <>—</>;
  if (typeof value === 'boolean') return <>{value ? t('facts.yes') : t('facts.no')}</>;
  const show = (one: string) => {
    switch (kindOf(name)) {
      case 'country':
        return country(one);
      case 'language':
        return language(one);
      case 'date':
        return day(one);
      case 'picklist':
        return label(name, one);
      default:
        return one;
    }
  };
  const text = list((Array.isArray(value) ? value : [String(value)]).map(show));
  // Phone numbers and other identifiers keep their own direction inside right-to-left text.
  return kindOf(name) === 'phone' || kindOf(name) === 'other' ? <bdi>{text}</bdi> : text;
}
