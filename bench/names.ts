/**
 * Synthetic survivors' names for the benchmarks: random combinations of common first names and surnames of the
 * people Passage's agencies meet (Romanian and Moldovan, Ukrainian and Russian written in Cyrillic, Nigerian,
 * Albanian, Italian), with patronymics, second given names and aliases where those cultures use them; and the ways
 * a case worker mistypes or respells them when searching. Seeded, so a run can be repeated.
 */

/** mulberry32: small, fast, seeded; good enough to pick names. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
const words = (text: string) => text.trim().split(/\s+/);

export type Culture = 'romanian' | 'ukrainian' | 'russian' | 'nigerian' | 'albanian' | 'italian';
export type Gender = 'Feminine' | 'Masculine';

interface NameBook {
  female: readonly string[];
  male: readonly string[];
  surnames: readonly string[];
  citizenship: readonly string[];
  language: string;
  phonePrefix: string;
}

// biome-ignore format: name lists read best as running text
const BOOKS: Record<Culture, NameBook> = {
  romanian: {
    female: words(`Ana Maria Elena Ioana Mihaela Andreea Cristina Daniela Gabriela Alexandra Nicoleta Larisa Irina
      Tatiana Natalia Doina Corina Viorica Lilia Mariana Aurelia Ecaterina Veronica Ludmila Olesea Cătălina Ștefania
      Mădălina Roxana Simona Oana Raluca Adriana Valentina Victoria Galina Angela Diana Carolina Cristiana Loredana
      Camelia Lucia Silvia Rodica Emilia Violeta Marina Inga Nadejda`),
    male: words(`Ion Vasile Gheorghe Nicolae Mihai Andrei Alexandru Constantin Dumitru Ștefan Sergiu Vladimir Victor
      Igor Dorin Radu Florin Cristian Adrian Bogdan Marius Ciprian Eugen Valeriu Iurie Petru Octavian Tudor Răzvan
      Lucian Veaceslav Vitalie Ruslan Serghei Dan Liviu Cosmin Ionuț Costel Grigore`),
    surnames: words(`Popescu Ionescu Popa Rusu Ciobanu Munteanu Ceban Cebotari Rotari Lungu Țurcanu Sârbu Moraru
      Cojocaru Ursu Bălan Cazacu Roșca Gușan Melnic Botnari Guțu Postolachi Croitoru Crudu Istrati Grosu Vrabie Bivol
      Chiriac Gheorghiu Dumitrescu Stan Stoica Radu Marin Matei Constantinescu Nistor Dinu Lazăr Mocanu Florea Ilie
      Toma Oprea Voicu Dobre Barbu Nedelcu Tănase Manole Vlad Anghel Sandu Căpățână Zamfir Pîrlog Bejenari Cucu Doga
      Plămădeală Scutaru Railean Bodiu Golban Caraman Prodan Spînu Jitari Lupu Burlacu Cozma Bîrcă Negru Ababii`),
    citizenship: ['MD', 'RO'],
    language: 'ron',
    phonePrefix: '+37369',
  },
  ukrainian: {
    female: words(`Олена Наталія Оксана Тетяна Юлія Ірина Марія Анна Катерина Світлана Людмила Галина Анастасія
      Дарина Софія Вікторія Ольга Надія Любов Валентина Олександра Христина Ярослава Мар'яна Зоряна Богдана Іванна
      Лариса Вероніка Євгенія Інна Алла Леся Уляна Романа`),
    male: words(`Олександр Андрій Іван Віктор Сергій Дмитро Михайло Василь Юрій Богдан Тарас Ярослав Володимир
      Максим Олег Павло Роман Віталій Микола Петро Степан Григорій Євген Ігор Остап Назар Артем Денис Вадим Руслан`),
    surnames: words(`Коваленко Шевченко Бондаренко Ткаченко Кравченко Олійник Шевчук Поліщук Коваль Бондар Мельник
      Лисенко Руденко Савченко Марченко Мороз Павленко Петренко Кравчук Гончаренко Литвиненко Зінченко Кузьменко
      Сидоренко Клименко Левченко Вакуленко Ковальчук Іваненко Пономаренко Ткачук Федоренко Ярошенко Гриценко
      Костенко Ващенко Гнатюк Савчук Білоус Тимошенко Остапчук Романюк Карпенко Дяченко Мазур Головко Юрченко
      Онищенко Кушнір Приходько`),
    citizenship: ['UA'],
    language: 'ukr',
    phonePrefix: '+38067',
  },
  russian: {
    female: words(`Татьяна Елена Наталья Ольга Светлана Екатерина Юлия Ксения Анастасия Мария Дарья Алёна Ирина
      Марина Людмила Галина Вера Надежда Любовь Евгения Полина Виктория Кристина Анна Валентина`),
    male: words(`Алексей Сергей Дмитрий Андрей Николай Евгений Александр Михаил Иван Владимир Павел Роман Игорь
      Юрий Виктор Олег Максим Артём Денис Константин Григорий Фёдор Степан Борис Пётр`),
    surnames: words(`Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков
      Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин Захаров Зайцев
      Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов Александров Дмитриев Королёв
      Гусев Киселёв`),
    citizenship: ['RU', 'MD', 'UA'],
    language: 'rus',
    phonePrefix: '+7916',
  },
  nigerian: {
    female: words(`Blessing Joy Precious Mercy Faith Gift Favour Peace Chioma Ngozi Adaeze Chiamaka Nneka Amaka
      Ifeoma Uchechi Funmilayo Folake Yetunde Bukola Temitope Omolara Aisha Fatima Hauwa Zainab Amina Halima Osasu
      Osarugue Efe Eseosa Ivie Itohan Esohe Oghogho Success Patience Comfort Happiness`),
    male: words(`Chinedu Emeka Obinna Ikenna Chukwuemeka Tunde Olumide Segun Babatunde Adebayo Musa Ibrahim Abubakar
      Usman Osagie Osaro Efosa Ehis Godwin Sunday Samuel Daniel Kelechi Uchenna Femi Kunle Yakubu Aliyu Osas Friday`),
    surnames: words(`Okafor Okeke Eze Nwosu Okonkwo Obi Nwachukwu Onyeka Uche Chukwu Adeyemi Adebayo Ogunleye Olawale
      Adeleke Ogundipe Bakare Balogun Akinola Oyelaran Bello Abdullahi Mohammed Suleiman Yusuf Danjuma Garba Lawal
      Osagie Omoregie Igbinedion Osayande Ehigiator Aigbe Obaseki Edosomwan Iyamu Ogbemudia Uwaifo Ekhator Idahosa
      Osazuwa Aghedo Imasuen Okoro Nnamdi Ibe Okpara Onuoha Anyanwu`),
    citizenship: ['NG'],
    language: 'eng',
    phonePrefix: '+234803',
  },
  albanian: {
    female: words(`Arta Blerta Drita Elira Fjolla Jonida Kaltrina Lindita Mimoza Teuta Valbona Vjosa Xhensila Besa
      Anisa Dorina Elona Klea Rozafa Ermira Flutura Gentiana Lirie Majlinda Shpresa Edlira Entela Albana`),
    male: words(`Arben Besnik Dritan Ermal Fatmir Gentian Ilir Klodian Luan Mentor Olsi Pëllumb Redon Sokol Valon Ylli
      Agron Bledar Erion Florian Artan Gëzim Kujtim Shkëlqim Alban Endrit Ardit Mirlind`),
    surnames: words(`Hoxha Shehu Leka Gashi Berisha Krasniqi Kelmendi Morina Hasani Dervishi Çela Basha Kola Marku
      Gjoka Prifti Muça Rama Dushku Xhafa Lika Bajrami Hysa Kastrati Bytyqi Zeqiri Sula Meta Tahiri Kurti Brahimi
      Cani Dedaj Gjini Hyka Qosja Rexha Spahiu Tafa Ymeri`),
    citizenship: ['AL', 'MK'],
    language: 'sqi',
    phonePrefix: '+35569',
  },
  italian: {
    female: words(`Maria Anna Giuseppina Rosa Angela Giovanna Teresa Lucia Carmela Caterina Francesca Giulia Chiara
      Sara Martina Valentina Alessia Elisa Federica Silvia Paola Laura Elena Roberta Grazia Antonella Rita Concetta`),
    male: words(`Giuseppe Giovanni Antonio Mario Luigi Francesco Angelo Vincenzo Pietro Salvatore Carlo Franco
      Domenico Bruno Paolo Michele Giorgio Aldo Sergio Luciano Marco Alessandro Andrea Matteo Lorenzo Davide Simone
      Federico Riccardo Stefano`),
    surnames: words(`Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti Mancini
      Costa Giordano Rizzo Lombardi Moretti Barbieri Fontana Santoro Mariani Rinaldi Caruso Ferrara Galli Martini
      Leone Longo Gentile Martinelli Vitale Lombardo Serra Coppola Marchetti Parisi Villa Conte Ferraro Ferri Fabbri
      Bianco Marini Grasso Valentini Messina Sala Gatti Pellegrini Palumbo Sanna Farina Rizzi Monti`).concat([
      'De Luca',
      'De Santis',
      "D'Angelo",
      'De Angelis',
    ]),
    citizenship: ['IT'],
    language: 'ita',
    phonePrefix: '+39347',
  },
};

// Roughly who the agencies of a Moldovan–Italian corridor meet.
const CULTURES: readonly [Culture, number][] = [
  ['romanian', 0.3],
  ['ukrainian', 0.15],
  ['russian', 0.1],
  ['nigerian', 0.2],
  ['albanian', 0.15],
  ['italian', 0.1],
];

function pickWeighted<T>(random: Random, weighted: readonly [T, number][]): T {
  let roll = random();
  for (const [value, weight] of weighted) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return (weighted.at(-1) as [T, number])[0];
}

export interface SurvivorName {
  culture: Culture;
  gender: Gender;
  first: string;
  middle?: string;
  last: string;
  aliases: string[];
}

export const fullName = (n: SurvivorName) => [n.first, n.middle, n.last].filter(Boolean).join(' ');

function slavicFemale(surname: string): string {
  return /(ов|ев|ёв|ин)$/.test(surname) ? `${surname}а` : surname;
}

function patronymic(father: string, culture: 'ukrainian' | 'russian', gender: Gender): string {
  const female = gender === 'Feminine';
  if (culture === 'ukrainian') {
    if (father.endsWith('й')) return `${father.slice(0, -1)}${female ? 'ївна' : 'йович'}`;
    return `${father.replace(/[оа]$/, '')}${female ? 'івна' : 'ович'}`;
  }
  if (father.endsWith('ий')) return `${father.slice(0, -2)}${female ? 'иевна' : 'иевич'}`;
  if (/[йь]$/.test(father)) return `${father.slice(0, -1)}${female ? 'евна' : 'евич'}`;
  return `${father}${female ? 'овна' : 'ович'}`;
}

export function randomName(random: Random): SurvivorName {
  const culture = pickWeighted(random, CULTURES);
  const book = BOOKS[culture];
  const gender: Gender = random() < 0.7 ? 'Feminine' : 'Masculine';
  const first = pick(random, gender === 'Feminine' ? book.female : book.male);
  let last = pick(random, book.surnames);
  let middle: string | undefined;
  const aliases: string[] = [];
  if (culture === 'ukrainian' || culture === 'russian') {
    if (gender === 'Feminine') last = slavicFemale(last);
    if (random() < 0.3) middle = patronymic(pick(random, book.male), culture, gender);
  } else if (culture === 'nigerian' && random() < 0.4) {
    middle = pick(random, gender === 'Feminine' ? book.female : book.male);
  } else if (culture === 'italian' && random() < 0.1) {
    middle = pick(random, gender === 'Feminine' ? book.female : book.male);
  }
  if (random() < 0.1) {
    // A name used in the destination country: another first name, or a married name.
    const other = random() < 0.5 ? pick(random, BOOKS.italian.female) : first;
    aliases.push(`${other} ${random() < 0.5 ? pick(random, book.surnames) : last}`);
  }
  return { culture, gender, first, middle, last, aliases };
}

export const citizenship = (random: Random, n: SurvivorName) => pick(random, BOOKS[n.culture].citizenship);
export const primaryLanguage = (n: SurvivorName) => BOOKS[n.culture].language;
export const mobilePhone = (random: Random, n: SurvivorName) =>
  `${BOOKS[n.culture].phonePrefix}${String(Math.floor(random() * 1e6)).padStart(6, '0')}`;

export function birthDate(random: Random): string {
  const year = 1975 + Math.floor(random() * 33);
  const month = 1 + Math.floor(random() * 12);
  const dayOfMonth = 1 + Math.floor(random() * 28);
  return `${year}-${String(month).padStart(2, '0')}-${String(dayOfMonth).padStart(2, '0')}`;
}

export function documentNumber(random: Random): string {
  const letters = 'ABCDEFGHJKLMNPRSTUVXYZ';
  return `${pick(random, [...letters])}${pick(random, [...letters])}${String(Math.floor(random() * 1e7)).padStart(7, '0')}`;
}

/** How a query was derived from the name on record. */
export type QueryKind = 'exact' | 'typo' | 'transliterated' | 'reordered' | 'surname';
export const QUERY_KINDS: readonly QueryKind[] = ['exact', 'typo', 'transliterated', 'reordered', 'surname'];

// How names are respelled by someone who hears them or reads them off another alphabet: informal English-style
// romanisation of Cyrillic (not the passport tables the normaliser follows), Romanian and Albanian letters
// written as they sound to an Italian or English clerk.
// biome-ignore format: a transliteration table reads best as a table
const INFORMAL: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', ґ: 'g', д: 'd', е: 'e', ё: 'yo', є: 'ye', ж: 'zh', з: 'z', и: 'i', і: 'i', ї: 'yi',
  й: 'y', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'h', ц: 'ts',
  ч: 'ch', ш: 'sh', щ: 'sch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya', "'": '',
  ș: 'sh', ş: 'sh', ț: 'tz', ţ: 'tz', ă: 'a', â: 'a', î: 'i', ë: 'e', ç: 'ch',
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

/** One edit a hurried typist makes: a letter dropped, doubled, swapped with the next, or replaced by a neighbour. */
function typo(random: Random, part: string): string {
  const chars = [...part];
  if (chars.length < 3) return part;
  const i = 1 + Math.floor(random() * (chars.length - 2));
  const roll = random();
  if (roll < 0.25) chars.splice(i, 1);
  else if (roll < 0.5) chars.splice(i, 0, chars[i] as string);
  else if (roll < 0.75) [chars[i], chars[i + 1]] = [chars[i + 1] as string, chars[i] as string];
  else chars[i] = pick(random, [...(/\p{Script=Cyrillic}/u.test(part) ? 'аеиоунрлстк' : 'aeiouyrnmlstkh')]);
  return chars.join('');
}

const needsRespelling = (n: SurvivorName) => /[^\p{Script=Latin}\s'-]|[șşțţăâîëç]/iu.test(fullName(n));

/** Whether `kind` can be made from this name (a transliteration needs Cyrillic or letters worth respelling). */
export const canQuery = (kind: QueryKind, n: SurvivorName) => kind !== 'transliterated' || needsRespelling(n);

export function queryFor(random: Random, kind: QueryKind, n: SurvivorName): string {
  switch (kind) {
    case 'exact':
      return fullName(n);
    case 'typo':
      return random() < 0.5 ? `${typo(random, n.first)} ${n.last}` : `${n.first} ${typo(random, n.last)}`;
    case 'transliterated':
      return respell(`${n.first} ${n.last}`);
    case 'reordered':
      return `${n.last.toUpperCase()} ${n.first}`;
    case 'surname':
      return n.last;
  }
}
