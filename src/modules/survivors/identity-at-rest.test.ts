/**
 * What a thief with a copy of the embedded database's files would find: every file of a PGlite data directory
 * (tables, indexes, write-ahead log) after survivors were recorded, commented on, searched and changed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { buildUser, filesUnder, tempDir, testConfig } from '../../../test/helpers.ts';
import { operatorContext } from '../../app/operations.ts';
import { createServices } from '../../app/services.ts';
import { openPglite } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { loadKeys } from '../key-custody/index.ts';
import { randomPng, samplesOf } from './photo-fixtures.ts';

const dirs = [tempDir()];
afterAll(() => {
  for (const dir of dirs) dir.remove();
});

// A fresh embedded database is initialised on disk, which takes a while on a busy machine.
it('leaves no identity in plain text anywhere in the database files', { timeout: 120_000 }, async () => {
  const [dir] = dirs;
  const dbDir = join(dir?.path as string, 'db');
  const db = await openPglite(dbDir);
  await migrate(db);
  const config = testConfig(dir?.path as string);
  const services = createServices(config, db, loadKeys(config));
  const agency = await services.users.createAgency(operatorContext('test'), {
    name: 'Casa Aurora',
    country: 'IT',
    orgType: 'NGO',
  });
  const worker = await buildUser(services, 'case_worker', { agency: agency.id });
  const ctx = {
    actor: {
      kind: 'user' as const,
      userId: worker.id,
      memberships: [{ role: 'case_worker' as const, agencyId: agency.id }],
    },
    requestId: null,
  };
  const created = await services.cases.create(ctx, {
    survivor: {
      prs_FirstName: 'Oleksandra',
      prs_SecondName: 'Kovalenko',
      psg_Aliases: ['Олександра Коваленко'],
      prs_Birthdate: '1997-08-21',
      prs_IdentityNumber: 'FX 998877',
      prs_MobilePhone: '+380 67 765 4321',
      prs_Email: 'oleksandra.k@example.org',
      prs_MailingStreet: 'Via dei Glicini 17',
    },
    victim: { vic_TypeOfExploitation: ['ForcedLabour'] },
  });
  await services.cases.addComment(ctx, created.id, 'Oleksandra Kovalenko called from Sabaudia.');
  await services.cases.search(ctx, { name: 'Oleksandra Kovalenko' });
  await services.survivors.updateIdentity(ctx, created.id, { prs_MailingCity: 'Sabaudia' });
  const photo = randomPng();
  const added = await services.survivors.photos.add(ctx, created.id, photo);
  await services.survivors.photos.read(ctx, created.id, added.id, 'case_management');
  await db.query('checkpoint');
  await db.close();

  const values = [
    'Oleksandra',
    'Kovalenko',
    'Олександра',
    'Коваленко',
    '1997-08-21',
    'FX 998877',
    'FX998877',
    '+380677654321',
    'oleksandra.k@example.org',
    'Glicini',
    'Sabaudia',
  ];
  const needles = [
    ...values.flatMap((v) => [Buffer.from(v, 'utf8'), Buffer.from(v.toLowerCase(), 'utf8')]),
    // The photo is stored in pieces (TOAST chunks of about 2 KB): any plain copy of a piece holds one of these.
    ...samplesOf(photo),
  ];
  let scanned = 0;
  for (const file of filesUnder(dbDir)) {
    const bytes = readFileSync(file);
    scanned += bytes.length;
    for (const needle of needles) expect(bytes.includes(needle), `${needle} in ${file}`).toBe(false);
  }
  // The scan saw the data directory itself, not an empty folder.
  expect(scanned).toBeGreaterThan(10_000_000);
  // And the case is there: the row with the agency's name, stored in plain text on purpose, is found.
  const all = Buffer.concat([...filesUnder(dbDir)].map((file) => readFileSync(file)));
  expect(all.includes(Buffer.from('Casa Aurora'))).toBe(true);
});
