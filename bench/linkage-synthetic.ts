/**
 * A synthetic ground truth for record linkage (issue #6): people with a survivor's identifying fields, recorded once
 * in set `a` (say, Romania 2023) and, for a share of them, again in set `b` (Italy 2026) the way another agency
 * would write them — typos, another transliteration (Cyrillic or Latin, informal romanisation, diacritics dropped),
 * given and family name swapped, fields missing — among as many people who are only in `b`. Seeded, so a run can be
 * repeated. `node bench/linkage-synthetic.ts [people] [--csv dir]` prints a sample or writes a.csv, b.csv, truth.csv.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import { birthDate, type Culture, citizenship, randomName, seededRandom } from './names.ts';

export interface SyntheticRecord {
  id: string;
  givenName: string;
  familyName: string;
  /** ISO 8601 date, or '' when not recorded. */
  birthDate: string;
  /** 'F', 'M' or '' when not recorded. */
  sex: string;
  /** ISO 3166-1 alpha-2, or ''. */
  citizenship: string;
  placeOfBirth: string;
}

export type Variation = 'typo' | 'transliterated' | 'swapped' | 'missing' | 'date';

export interface SyntheticSet {
  a: SyntheticRecord[];
  b: SyntheticRecord[];
  /** Positions in `a` and `b` of the same person. */
  truth: [number, number][];
  /** How each true pair's `b` record differs from its `a` record (by position in `truth`). */
  variations: Variation[][];
}

type Random = () => number;

// biome-ignore format: lists read best as running text
const PLACES: Record<Culture, string[]> = {
  romanian: ['Chișinău', 'Bălți', 'Cahul', 'Orhei', 'Iași', 'Bacău', 'Constanța', 'București', 'Galați', 'Ungheni'],
  ukrainian: ['Київ', 'Одеса', 'Харків', 'Львів', 'Дніпро', 'Запоріжжя', 'Вінниця', 'Херсон', 'Чернівці'],
  russian: ['Москва', 'Ростов-на-Дону', 'Краснодар', 'Воронеж', 'Самара', 'Тирасполь', 'Саратов'],
  nigerian: ['Benin City', 'Lagos', 'Ibadan', 'Enugu', 'Onitsha', 'Warri', 'Abuja', 'Kano', 'Uromi'],
  albanian: ['Tiranë', 'Durrës', 'Shkodër', 'Elbasan', 'Vlorë', 'Fier', 'Korçë', 'Berat', 'Kukës'],
  italian: ['Roma', 'Napoli', 'Palermo', 'Torino', 'Bari', 'Catania', 'Milano', 'Caserta', 'Foggia'],
};

// Romanisation as a clerk who hears the name or reads it off another alphabet would write it (not the passport
// tables that the normaliser follows), and letters with diacritics written without them.
// biome-ignore format: a transliteration table reads best as a table
const INFORMAL: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', ґ: 'g', д: 'd', е: 'e', ё: 'yo', є: 'ye', ж: 'zh', з: 'z', и: 'i', і: 'i', ї: 'yi',
  й: 'y', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'h', ц: 'ts',
  ч: 'ch', ш: 'sh', щ: 'sch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya', "'": '',
  ș: 'sh', ş: 's', ț: 'tz', ţ: 't', ă: 'a', â: 'a', î: 'i', ë: 'e', ç: 'c',
};

function respell(text: string): string {
  return [...text]
    .map((c) => {
      const lower = c.toLowerCase();
      const out = INFORMAL[lower];
      if (out === undefined) return c;
      return c === lower ? out : out.charAt(0).toUpperCase() + out.slice(1);
    })
    .join('');
}

function typo(random: Random, part: string): string {
  const chars = [...part];
  if (chars.length < 3) return part;
  const i = 1 + Math.floor(random() * (chars.length - 2));
  const roll = random();
  if (roll < 0.25) chars.splice(i, 1);
  else if (roll < 0.5) chars.splice(i, 0, chars[i] as string);
  else if (roll < 0.75) [chars[i], chars[i + 1]] = [chars[i + 1] as string, chars[i] as string];
  else {
    const letters = /\p{Script=Cyrillic}/u.test(part) ? 'аеиоунрлстк' : 'aeiouyrnmlstkh';
    chars[i] = letters[Math.floor(random() * letters.length)] as string;
  }
  return chars.join('');
}

const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

function person(random: Random, id: string): SyntheticRecord & { culture: Culture } {
  const name = randomName(random);
  return {
    id,
    culture: name.culture,
    givenName: name.middle && random() < 0.5 ? `${name.first} ${name.middle}` : name.first,
    familyName: name.last,
    birthDate: birthDate(random),
    sex: name.gender === 'Feminine' ? 'F' : 'M',
    citizenship: citizenship(random, name),
    placeOfBirth: pick(random, PLACES[name.culture]),
  };
}

/** The same person as another agency records them, and how the record differs. */
function rerecorded(random: Random, original: SyntheticRecord, id: string): [SyntheticRecord, Variation[]] {
  const r = { ...original, id };
  const variations: Variation[] = [];
  const respellable = /[^\p{Script=Latin}\s'-]|[șşțţăâîëç]/iu.test(`${r.givenName} ${r.familyName}`);
  if (respellable && random() < 0.6) {
    r.givenName = respell(r.givenName);
    r.familyName = respell(r.familyName);
    r.placeOfBirth = respell(r.placeOfBirth);
    variations.push('transliterated');
  }
  if (random() < 0.35) {
    if (random() < 0.5) r.givenName = typo(random, r.givenName);
    else r.familyName = typo(random, r.familyName);
    variations.push('typo');
  }
  if (random() < 0.1) {
    [r.givenName, r.familyName] = [r.familyName, r.givenName];
    variations.push('swapped');
  }
  if (random() < 0.25) {
    const roll = random();
    if (roll < 0.4) r.birthDate = '';
    else if (roll < 0.8) r.placeOfBirth = '';
    else if (roll < 0.9) r.sex = '';
    else r.citizenship = '';
    variations.push('missing');
  }
  if (r.birthDate && random() < 0.05) {
    const [year, month, day] = r.birthDate.split('-');
    r.birthDate =
      Number(day) <= 12 ? `${year}-${day}-${month}` : `${year}-${month}-${String(Number(day) - 1).padStart(2, '0')}`;
    variations.push('date');
  }
  return [r, variations];
}

/** `people` people in `a`; `duplicateShare` of them again in `b`, which is filled up to `people` with others. */
export function syntheticSet(people = 10_000, seed = 2026, duplicateShare = 0.5): SyntheticSet {
  const random = seededRandom(seed);
  const strip = ({ culture: _, ...record }: SyntheticRecord & { culture: Culture }): SyntheticRecord => record;
  const a = Array.from({ length: people }, (_, i) => strip(person(random, `a${i}`)));
  const entries: { record: SyntheticRecord; from: number; variations: Variation[] }[] = [];
  for (let i = 0; i < people; i++) {
    if (random() < duplicateShare) {
      const [record, variations] = rerecorded(random, a[i] as SyntheticRecord, '');
      entries.push({ record, from: i, variations });
    } else {
      entries.push({ record: strip(person(random, '')), from: -1, variations: [] });
    }
  }
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [entries[i], entries[j]] = [entries[j] as (typeof entries)[number], entries[i] as (typeof entries)[number]];
  }
  const found: { pair: [number, number]; variations: Variation[] }[] = [];
  const b = entries.map((entry, j) => {
    if (entry.from >= 0) found.push({ pair: [entry.from, j], variations: entry.variations });
    return { ...entry.record, id: `b${j}` };
  });
  found.sort((x, y) => x.pair[0] - y.pair[0]);
  const truth = found.map((f) => f.pair);
  const variations = found.map((f) => f.variations);
  return { a, b, truth, variations };
}

/** A record's values in the order of the default survivor schema's features. */
export const schemaValues = (r: SyntheticRecord) => [
  r.givenName,
  r.familyName,
  r.birthDate,
  r.sex,
  r.citizenship,
  r.placeOfBirth,
];

export const FIELDS = ['id', 'givenName', 'familyName', 'birthDate', 'sex', 'citizenship', 'placeOfBirth'] as const;

if (import.meta.main) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { csv: { type: 'string' } } });
  const set = syntheticSet(Number(positionals[0] ?? 10_000));
  if (values.csv) {
    mkdirSync(values.csv, { recursive: true });
    for (const side of ['a', 'b'] as const) {
      writeFileSync(join(values.csv, `${side}.csv`), stringify(set[side], { header: true, columns: [...FIELDS] }));
    }
    writeFileSync(
      join(values.csv, 'truth.csv'),
      stringify(
        set.truth.map(([i, j]) => [`a${i}`, `b${j}`]),
        { header: true, columns: ['a_id', 'b_id'] },
      ),
    );
    console.log(`Wrote ${set.a.length} + ${set.b.length} records and ${set.truth.length} true pairs to ${values.csv}.`);
  } else {
    for (const [k, [i, j]] of set.truth.slice(0, 12).entries()) {
      const x = set.a[i] as SyntheticRecord;
      const y = set.b[j] as SyntheticRecord;
      console.log(
        `${FIELDS.slice(1)
          .map((f) => x[f])
          .join(' | ')}\n${FIELDS.slice(1)
          .map((f) => y[f])
          .join(' | ')}   [${set.variations[k]?.join(', ')}]\n`,
      );
    }
  }
}
