/**
 * Encoding throughput: synthetic survivor records (seeded) encoded with the default survivor schema, with blakeHash
 * (as shipped) and with every feature switched to doubleHash, on one core; plus the CSV path end to end. Prints
 * figures, asserts nothing. `npm run bench:linkage-encode [-- <records>]` (default 20 000).
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ClkEncoder, encodeCsv, parseLinkageSchema, seededRandom } from '../src/modules/linkage-engine/index.ts';

const count = Number(process.argv[2] ?? 20_000);
const document = JSON.parse(
  readFileSync(join(import.meta.dirname, '../src/modules/linkage-engine/schemas/survivor.json'), 'utf8'),
);
const SYLLABLES = ['an', 'ma', 'ri', 'el', 'na', 'ol', 'ka', 'ru', 'su', 'io', 'va', 'le', 'ta', 'ni', 'co', 'do'];
const CYRILLIC = ['ан', 'ма', 'ри', 'ел', 'на', 'ол', 'ка', 'ру', 'су', 'ва', 'ле', 'та'];
const random = seededRandom(42);
const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
const name = () => {
  const parts = random() < 0.15 ? CYRILLIC : SYLLABLES;
  return Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(parts)).join('');
};
const records = Array.from({ length: count }, () => [
  name(),
  name(),
  `19${60 + Math.floor(random() * 40)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`,
  pick(['F', 'M', '']),
  pick(['RO', 'MD', 'UA', 'IT', '']),
  random() < 0.7 ? name() : '',
]);
const secret = Buffer.from('benchmark secret, not for real use');

function run(label: string, doc: unknown): void {
  const encoder = new ClkEncoder(parseLinkageSchema(doc), secret);
  const started = performance.now();
  for (const record of records) encoder.encode(record);
  const seconds = (performance.now() - started) / 1000;
  console.log(`${label.padEnd(34)} ${(count / seconds).toFixed(0).padStart(8)} records/s  (${seconds.toFixed(2)} s)`);
}

console.log(`${count} synthetic survivor records, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
run('survivor schema, blakeHash', document);
const double = structuredClone(document);
for (const feature of double.features) feature.hashing.hash = { type: 'doubleHash' };
run('survivor schema, doubleHash', double);
const csv = ['id,givenNames,familyNames,birthDate,sex,citizenship,placeOfBirth']
  .concat(records.map((r, i) => [`r${i}`, ...r].join(',')))
  .join('\n');
const started = performance.now();
await encodeCsv(parseLinkageSchema(document), secret, csv);
const seconds = (performance.now() - started) / 1000;
console.log(
  `${'CSV → encodings (encodeCsv)'.padEnd(34)} ${(count / seconds).toFixed(0).padStart(8)} records/s  (${seconds.toFixed(2)} s)`,
);
console.log(`heap used: ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);
