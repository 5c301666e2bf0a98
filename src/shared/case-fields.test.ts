import { describe, expect, it } from 'vitest';
import { fieldDefinition, isIsoDate, isLanguageCode, parseGroup, parseValue } from './case-fields.ts';

const parse = (name: string, raw: unknown) => {
  const field = fieldDefinition(name);
  if (!field) throw new Error(`no field ${name}`);
  return parseValue(field, raw);
};

describe('case fields', () => {
  it('takes multi-selects as arrays or as the toolkit writes them', () => {
    expect(parse('vic_MethodsOfControl', ['DebtBondage', 'TakesEarnings'])).toEqual({
      value: ['DebtBondage', 'TakesEarnings'],
    });
    expect(parse('vic_MethodsOfControl', 'DebtBondage; TakesEarnings')).toEqual({
      value: ['DebtBondage', 'TakesEarnings'],
    });
    expect(parse('vic_MethodsOfControl', 'Beating')).toMatch(/is not one of the values HTCDS lists/);
    expect(parse('vic_TraffickingStatus', ['ActualVictimOfTrafficking'])).toMatch(/takes one value, not a list/);
  });

  it('upper-cases country codes and checks them, for HTCDS text fields that hold countries too', () => {
    expect(parse('prs_Citizenship', 'md;ro')).toEqual({ value: ['MD', 'RO'] });
    expect(parse('hte_Country', 'it')).toEqual({ value: 'IT' });
    expect(parse('hte_Country', 'Italy')).toMatch(/not an ISO 3166-1 alpha-2 country code/);
  });

  it('checks languages, dates, numbers, coordinates and checkboxes', () => {
    expect(parse('prs_PrimaryLanguage', 'RON')).toEqual({ value: 'ron' });
    expect(parse('prs_PrimaryLanguage', 'xx')).toMatch(/not an ISO 639 language code/);
    expect(isLanguageCode('ro') && isLanguageCode('ukr') && !isLanguageCode('zz')).toBe(true);
    expect(parse('prs_Birthdate', new Date('1999-03-14T00:00:00Z'))).toEqual({ value: '1999-03-14' });
    expect(parse('prs_Birthdate', '1999-02-30')).toMatch(/must be a date written YYYY-MM-DD/);
    expect(parse('prs_Birthdate', '2999-01-01')).toMatch(/cannot be in the future/);
    expect(isIsoDate('2024-02-29') && !isIsoDate('2023-02-29')).toBe(true);
    expect(parse('prs_NumberOfChildren', '2')).toEqual({ value: 2 });
    expect(parse('prs_NumberOfChildren', -1)).toMatch(/whole number/);
    expect(parse('prs_MailingLatitude', 91)).toMatch(/between -90 and 90/);
    expect(parse('con_Consent', 'yes')).toEqual({ value: true });
    expect(parse('con_Consent', 'maybe')).toMatch(/true or false/);
  });

  it('writes phones in E.164 form and never repeats identity values in a reason', () => {
    expect(parse('prs_MobilePhone', '+373 69 123 456')).toEqual({ value: '+37369123456' });
    const reason = parse('prs_MobilePhone', 'Ana Rusu 0691');
    expect(reason).toMatch(/international phone number/);
    expect(reason).not.toContain('Rusu');
    expect(parse('prs_Email', 'ana at example')).toMatch(/not an email address/);
  });

  it("checks Passage's own picklists against their own values", () => {
    expect(parse('psg_DocumentType', 'Passport')).toEqual({ value: 'Passport' });
    expect(parse('psg_DocumentType', 'Visa')).toMatch(/use one of Passport/);
    expect(parse('psg_Aliases', 'Анна Русу;Anna R.')).toEqual({ value: ['Анна Русу', 'Anna R.'] });
  });

  it('reports fields of another group, unknown fields and system fields, and keeps the valid ones', () => {
    const parsed = parseGroup('person', {
      prs_FirstName: 'Ana',
      vic_TraffickingStatus: 'ActualVictimOfTrafficking',
      prs_Nickname: 'x',
      'prs_<script>': 'x',
    });
    expect(parsed.value).toEqual({ prs_FirstName: 'Ana' });
    expect(parsed.errors.map((e) => e.reason)).toEqual([
      'Trafficking Status (vic_TraffickingStatus) does not belong here.',
      '"prs_Nickname" is not an HTCDS 2.0 field or a Passage extension.',
      '"(value)" is not an HTCDS 2.0 field or a Passage extension.',
    ]);
    expect(parseGroup('case', { cas_Status: 'Closed' }).errors[0]?.reason).toMatch(/is set by Passage/);
  });
});
