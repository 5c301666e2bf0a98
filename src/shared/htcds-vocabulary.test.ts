import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CSV, deriveFields, parseCsv } from '../../scripts/htcds-vocabulary.ts';
import {
  HTCDS_FIELDS,
  HTCDS_PREFIXES,
  htcdsField,
  isPicklistValue,
  parseMultiSelect,
  picklistValues,
  validateValue,
} from './htcds.ts';

function expectDerivedFromCsv(): void {
  expect(HTCDS_FIELDS).toEqual(deriveFields(readFileSync(DEFAULT_CSV, 'utf8')));
}

describe('HTCDS vocabulary', () => {
  it('has fields for every prefix, each named with its prefix', () => {
    for (const prefix of HTCDS_PREFIXES) {
      expect(HTCDS_FIELDS.some((field) => field.prefix === prefix)).toBe(true);
    }
    for (const field of HTCDS_FIELDS) expect(field.name.startsWith(field.prefix)).toBe(true);
    expect(new Set(HTCDS_FIELDS.map((field) => field.name)).size).toBe(HTCDS_FIELDS.length);
  });

  it('finds fields by their full name and nothing else', () => {
    expect(htcdsField('vic_TypeOfExploitation')).toMatchObject({
      prefix: 'vic_',
      label: 'Type of Exploitation',
      type: 'Multiselect Picklist',
    });
    expect(htcdsField('TypeOfExploitation')).toBeUndefined();
    expect(htcdsField('vic_Unknown')).toBeUndefined();
    expect(picklistValues('vic_Unknown')).toEqual([]);
  });

  it('lists the standard picklist values', () => {
    expect(picklistValues('org_Type')).toEqual(expect.arrayContaining(['NGO', 'LawEnforcement']));
    expect(isPicklistValue('vic_TraffickingStatus', 'ActualVictimOfTrafficking')).toBe(true);
    expect(isPicklistValue('vic_TraffickingStatus', 'Actual Victim of Trafficking')).toBe(false);
    expect(htcdsField('org_Type')?.values?.[1]).toEqual({ name: 'LawEnforcement', label: 'Law Enforcement' });
  });

  it('records code-list standards instead of pseudo values', () => {
    expect(htcdsField('org_ShippingCountry')).toMatchObject({ valueStandard: 'ISO 3166' });
    expect(htcdsField('prs_PrimaryLanguage')).toMatchObject({ valueStandard: 'ISO 639-2' });
    expect(picklistValues('prs_Citizenship')).toEqual([]);
    for (const field of HTCDS_FIELDS) {
      for (const value of field.values ?? []) expect(value.name).toMatch(/^[A-Za-z0-9_]+$/);
    }
  });

  it('splits multi-select answers on semicolons', () => {
    expect(parseMultiSelect(' ForcedLabour ;; SexualExploitation; ')).toEqual(['ForcedLabour', 'SexualExploitation']);
    expect(parseMultiSelect('')).toEqual([]);
  });

  it('accepts multi-select answers made of value names', () => {
    expect(validateValue('vic_TypeOfExploitation', 'ForcedLabour;SexualExploitation')).toEqual({ ok: true });
    expect(validateValue('org_Type', 'NGO')).toEqual({ ok: true });
    expect(validateValue('prs_FirstName', 'anything')).toEqual({ ok: true });
  });

  it('refuses unknown parts with a reason that names the field', () => {
    const check = validateValue('vic_TypeOfExploitation', 'ForcedLabour;Smuggling');
    expect(check).toEqual({ ok: false, reason: expect.stringContaining('vic_TypeOfExploitation') });
    expect(check.ok || check.reason).toContain('"Smuggling"');
  });

  it('refuses what a picklist cannot hold and never echoes long input', () => {
    const long = `ForcedLabour ${'x'.repeat(200)}`;
    const check = validateValue('vic_TypeOfExploitation', long);
    expect(check.ok).toBe(false);
    expect(check.ok || check.reason).not.toContain('xxxx');
    expect(validateValue('org_Type', 'NGO;LawEnforcement').ok).toBe(false);
    expect(validateValue('org_Type', ' ').ok).toBe(false);
    expect(validateValue('vic_TypeOfExploitation', 'ForcedLabour;ForcedLabour').ok).toBe(false);
    expect(validateValue('vic_Nonexistent', 'NGO')).toEqual({
      ok: false,
      reason: expect.stringContaining('vic_Nonexistent'),
    });
  });

  it('parses quoted CSV cells with commas, doubled quotes and line breaks', () => {
    expect(parseCsv('a,"b,c","say ""hi""\r\nthere"\r\nd,,\n')).toEqual([
      ['a', 'b,c', 'say "hi"\r\nthere'],
      ['d', '', ''],
    ]);
  });

  it('equals what the script derives from the HTCDS CSV', expectDerivedFromCsv);
});
