import { describe, expect, it } from 'vitest';
import {
  InvalidIdentifierError,
  normaliseBirthDate,
  normaliseDocument,
  normaliseName,
  normalisePhone,
} from './normalise.ts';

describe('normaliseName', () => {
  it.each([
    ['Олександр Коваленко', 'oleksandr kovalenko'],
    ['ОЛЕКСАНДР КОВАЛЕНКО', 'oleksandr kovalenko'],
    ['Юрій Їжакевич', 'yurii yizhakevych'],
    ['Євгенія Ґалаґан', 'yevheniia galagan'],
    ['Марʼяна Згурська-Іванів', 'mariana zghurska ivaniv'],
    ['Наталія Шевченко', 'nataliia shevchenko'],
    ['Александр Щербаков', 'aleksandr shcherbakov'],
    ['Юрий Григорьев', 'iurii grigorev'],
    ['Фёдор Объедков', 'fedor obieedkov'],
    ['Ștefan Țurcanu', 'stefan turcanu'],
    ['Ştefan Ţurcanu', 'stefan turcanu'],
    ['Ioana Mărginean-Stănescu', 'ioana marginean stanescu'],
    ['Ana Întuneric Âncuța', 'ana intuneric ancuta'],
    ['Γεώργιος Παπαδόπουλος', 'georgios papadopoulos'],
    ['ΕΥΑΓΓΕΛΟΣ ΟΔΥΣΣΕΑΣ', 'evangelos odysseas'],
    ['Ευθύμιος Αγκάθης', 'efthymios agkathis'],
    ['Straße Ærø', 'strasse aero'],
    ['Đorđe Łukasz Søren Œdipe', 'dorde lukasz soren oedipe'],
    ['José  Müller-Lüdenscheidt', 'jose muller ludenscheidt'],
    ["O'Brien, Seán", 'obrien sean'],
    ['Ｍａｒｉａ ﬁnn', 'maria finn'],
    ['  -- ', ''],
  ])('%j → %j', (input, expected) => {
    expect(normaliseName(input)).toBe(expected);
  });

  it('keeps scripts it does not transliterate, with their vowel signs', () => {
    expect(normaliseName('محمد علي')).toBe('محمد علي');
    expect(normaliseName('सीता देवी')).toBe('सीता देवी');
  });
});

function refusal(run: () => unknown): InvalidIdentifierError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidIdentifierError) return error;
    throw error;
  }
  throw new Error('expected an InvalidIdentifierError');
}

describe('normalisePhone', () => {
  it.each([
    ['+373 69 123 456', undefined],
    ['0037369123456', undefined],
    ['069123456', '+373'],
    ['069-123-456', '373'],
    ['(069) 123 456', '+373'],
    ['+373 (0)69 123 456', undefined],
    ['69123456', '+373'],
  ])('%j with default %j → +37369123456', (input, defaultCode) => {
    expect(normalisePhone(input, defaultCode)).toBe('+37369123456');
  });

  it.each([
    ['8 912 345-67-89', '+7', '+79123456789'],
    ['(212) 555-0100', '+1', '+12125550100'],
    ['1 212 555 0100', '+1', '+12125550100'],
    ['06 6982 1234', '+39', '+390669821234'],
    ['030 1234567', '+49', '+49301234567'],
    ['+683 4002', '+40', '+6834002'],
    ['＋４４ ２０ ７９４６ ００００', undefined, '+442079460000'],
  ])('%j with default %j → %j', (input, defaultCode, expected) => {
    expect(normalisePhone(input, defaultCode)).toBe(expected);
  });

  it.each([
    ['letters', '+373 69 CALL ME', '+373'],
    ['an extension', '+373 69 123 456 ext 2', '+373'],
    ['a national number without default', '069123456', undefined],
    ['an unknown default code', '069123456', '+999'],
    ['an unassigned country code', '+999 1234 5678', undefined],
    ['a zero country code', '+0 123 456 789', undefined],
    ['too few digits', '+373 123', undefined],
    ['too many digits', '+373 6912 3456 7890 12', undefined],
    ['nothing', '  ', '+373'],
  ])('refuses %s', (_, input, defaultCode) => {
    const error = refusal(() => normalisePhone(input, defaultCode));
    expect(error.kind).toBe('phone');
    expect(error.message).not.toMatch(/\d/);
  });
});

describe('normaliseDocument', () => {
  it.each([
    ['ab 123-456', 'AB123456'],
    ['AB–123 456', 'AB123456'],
    ['a.b/123456', 'AB123456'],
    ['КВ 123456', 'KB123456'],
    ['ΑΚ 123456', 'AK123456'],
    ['Жд 1', 'ЖД1'],
  ])('%j → %j', (input, expected) => {
    expect(normaliseDocument(input)).toBe(expected);
  });

  it('refuses a value without letters or digits', () => {
    expect(refusal(() => normaliseDocument(' - / ')).kind).toBe('document');
  });
});

describe('normaliseBirthDate', () => {
  const today = new Date('2025-06-15T12:00:00Z');

  it.each([
    ['1990-02-03', '1990-02-03'],
    [' 2000-02-29 ', '2000-02-29'],
    ['03.02.1990', '1990-02-03'],
    ['3.2.1990', '1990-02-03'],
    ['2025-06-15', '2025-06-15'],
  ])('%j → %j', (input, expected) => {
    expect(normaliseBirthDate(input, today)).toBe(expected);
  });

  it.each([
    ['1990-02-30', 'does not exist'],
    ['1990-13-01', 'does not exist'],
    ['1990-00-10', 'does not exist'],
    ['1900-02-29', 'does not exist'],
    ['31.04.1990', 'does not exist'],
    ['2025-06-16', 'between 1900 and today'],
    ['1899-12-31', 'between 1900 and today'],
    ['03/02/1990', 'must be written'],
    ['1990-2-3', 'must be written'],
    ['19900203', 'must be written'],
    ['', 'must be written'],
  ])('refuses %j', (input, reason) => {
    const error = refusal(() => normaliseBirthDate(input, today));
    expect(error.kind).toBe('birth_date');
    expect(error.message).toContain(reason);
  });
});
