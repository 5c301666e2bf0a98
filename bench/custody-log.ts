/**
 * The custody log on PostgreSQL (issue #4): appends per second through `CustodyLogService.append` (each in its own
 * transaction, as a custody event is recorded) by one appender and by N concurrent ones, against a plain INSERT of
 * the same bytes into a table without a tree, with the same concurrency; then inclusion and consistency proof times
 * (p50/p99, the service's calls: one query for the O(log n) stored hashes and the log's size) at 1 M and 10 M
 * entries, against a primary-key read of one entry.
 *
 * The large logs are bulk-loaded in SQL (generate_series entries, leaf and subtree hashes with PostgreSQL's
 * sha256()) and checked before timing: the signed checkpoint's root must equal a root computed independently in
 * this process from the entries, and every timed proof must verify against that checkpoint.
 *
 *   node bench/custody-log.ts [--sizes 1m,10m] [--seconds 10] [--clients 32] [--proofs 2000] [--verify]
 *
 * `--verify` also times the full integrity check (`passage custody verify`) at the first size.
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { type Db, openPostgres } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { parseCheckpoint } from '../src/lib/checkpoint.ts';
import { leafHash, nodeHash, verifyConsistency, verifyInclusion } from '../src/lib/merkle.ts';
import { completeAt, topLevel } from '../src/lib/merkle-tiles.ts';
import { openNote, parseVerifierKey } from '../src/lib/signed-note.ts';
import type { CustodyLogService } from '../src/modules/custody/index.ts';
import {
  type BenchNode,
  benchNode,
  freshDatabase,
  machineFacts,
  ms,
  printTable,
  runBench,
  summarise,
} from './harness.ts';
import { seededRandom } from './names.ts';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1m,10m' },
    seconds: { type: 'string', default: '10' },
    clients: { type: 'string', default: '32' },
    proofs: { type: 'string', default: '2000' },
    verify: { type: 'boolean', default: false },
  },
});

function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a number of entries (e.g. 1m, 10m, 250000)`);
  const factor = { '': 1, k: 1e3, m: 1e6 }[(match[2] ?? '').toLowerCase()] ?? 1;
  return Math.round(Number(match[1]) * factor);
}

const SIZES = args.sizes
  .split(',')
  .map(parseSize)
  .sort((a, b) => a - b);
const SECONDS = Number(args.seconds);
const CLIENTS = Number(args.clients);
const PROOFS = Number(args.proofs);
const SHIPPED_POOL = 10; // `max` in openPostgres (src/db/client.ts)
const FILL_CHUNK = 1_000_000;
const random = seededRandom(4);

/** A custody event of the size decision 0004's entries have (about 250 bytes), numbered so each is distinct. */
function event(n: number): Buffer {
  return Buffer.from(
    JSON.stringify({
      v: 1,
      node: 'bench',
      item: `01JBENCH${String(n).padStart(18, '0')}`,
      sha256: createHash('sha256').update(String(n)).digest('hex'),
      event: 'accessed',
      actor: 'user:01JBENCHUSER0000000000000',
      at: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
      reason: null,
    }),
  );
}

interface Rate {
  label: string;
  clients: number;
  done: number;
  perSecond: number;
  latencies: number[];
  errors: number;
}

/** `clients` loops calling `op` until the time is up. */
async function drive(label: string, clients: number, op: (n: number) => Promise<unknown>): Promise<Rate> {
  const latencies: number[] = [];
  let errors = 0;
  let counter = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await op(counter++);
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { label, clients, done: latencies.length, perSecond: latencies.length / elapsed, latencies, errors };
}

async function appendRuns(db: Db, custody: CustodyLogService): Promise<void> {
  await db.exec('create table bench_plain_entries (idx bigserial primary key, entry bytea not null)');
  const plain = (n: number) =>
    db.transaction((tx) => tx.query('insert into bench_plain_entries (entry) values ($1)', [event(n)]));
  const append = (n: number) => db.transaction((tx) => custody.append(tx, event(n)));
  const runs: Rate[] = [];
  for (const clients of [1, CLIENTS]) {
    runs.push(await drive('plain INSERT (baseline)', clients, plain));
    runs.push(await drive('custody append', clients, append));
  }
  const size = Number((await db.query<{ size: bigint }>('select size from custody_log_head'))[0]?.size);
  const gapFree = Number((await db.query<{ n: bigint }>('select count(*) as n from custody_entries'))[0]?.n) === size;
  printTable(
    `appends, ${SECONDS} s per run, each in its own transaction (pool of ${SHIPPED_POOL} connections; latency in ms)`,
    ['run', 'clients', 'done', 'errors', 'per s', '× plain', 'p50', 'p99', 'max'],
    runs.map((r) => {
      const baseline = runs.find((b) => b.clients === r.clients && b.label.startsWith('plain'));
      const s = summarise(r.latencies);
      return [
        r.label,
        String(r.clients),
        String(r.done),
        String(r.errors),
        r.perSecond.toFixed(0),
        baseline ? (r.perSecond / baseline.perSecond).toFixed(2) : '–',
        ms(s.p50),
        ms(s.p99),
        ms(s.max),
      ];
    }),
  );
  console.log(`log after the runs: ${size} entries, numbered without gaps: ${gapFree ? 'yes' : 'NO'}`);
}

/** Entries [from, to) and every hash they complete, written by SQL in chunks; the head moves last. */
async function fill(db: Db, from: number, to: number): Promise<void> {
  const started = performance.now();
  const entry = (i: string) =>
    `convert_to('{"v":1,"node":"bench","item":"bulk-' || ${i} || '","event":"accessed","actor":"console"}', 'UTF8')`;
  for (let lo = from; lo < to; lo += FILL_CHUNK) {
    const hi = Math.min(to, lo + FILL_CHUNK);
    await db.query(
      `insert into custody_entries (idx, entry) select i, ${entry('i')} from generate_series($1::bigint, $2::bigint - 1) i`,
      [lo, hi],
    );
    await db.query(
      `insert into custody_hashes (level, idx, hash)
       select 0, idx, sha256('\\x00'::bytea || entry) from custody_entries where idx >= $1 and idx < $2`,
      [lo, hi],
    );
    process.stdout.write(`\r  filling ${to.toLocaleString('en')}: entries and leaf hashes ${hi.toLocaleString('en')}`);
  }
  for (let level = 1; level <= topLevel(to); level++) {
    // The subtrees of this level that the new leaves complete.
    const lo = completeAt(level, from);
    const hi = completeAt(level, to);
    for (let start = lo; start < hi; start += FILL_CHUNK) {
      const end = Math.min(hi, start + FILL_CHUNK);
      await db.query(
        `insert into custody_hashes (level, idx, hash)
         select $1::smallint, l.idx / 2, sha256('\\x01'::bytea || l.hash || r.hash)
           from custody_hashes l join custody_hashes r on r.level = l.level and r.idx = l.idx + 1
          where l.level = $1::smallint - 1 and l.idx >= 2 * $2::bigint and l.idx < 2 * $3::bigint and l.idx % 2 = 0`,
        [level, start, end],
      );
    }
    process.stdout.write(`\r  filling ${to.toLocaleString('en')}: level ${level} of ${topLevel(to)}              `);
  }
  await db.query('update custody_log_head set size = $1', [to]);
  await db.exec('analyze custody_entries; analyze custody_hashes');
  console.log(`\r  filled ${from.toLocaleString('en')} → ${to.toLocaleString('en')} in ${secs(started)}            `);
}

/**
 * The root of the first `size` entries computed here, independently of the stored hashes: leaves streamed in
 * order onto a stack of complete subtrees (the reference computation, in O(log n) memory).
 */
async function independentRoot(db: Db, size: number): Promise<Uint8Array> {
  const stack: { width: number; hash: Uint8Array }[] = [];
  const page = 200_000;
  for (let lo = 0; lo < size; lo += page) {
    const rows = await db.query<{ entry: Uint8Array }>(
      'select entry from custody_entries where idx >= $1 and idx < $2 order by idx',
      [lo, Math.min(size, lo + page)],
    );
    for (const { entry } of rows) {
      let node = { width: 1, hash: leafHash(entry) as Uint8Array };
      while (stack.length > 0 && stack.at(-1)?.width === node.width) {
        const left = stack.pop() as { width: number; hash: Uint8Array };
        node = { width: node.width * 2, hash: nodeHash(left.hash, node.hash) };
      }
      stack.push(node);
    }
  }
  let root = stack.pop()?.hash as Uint8Array;
  while (stack.length > 0) root = nodeHash((stack.pop() as { hash: Uint8Array }).hash, root);
  return root;
}

const secs = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

async function proofRuns(db: Db, custody: CustodyLogService): Promise<void> {
  const rows: string[][] = [];
  let logSize = 0;
  for (const [i, size] of SIZES.entries()) {
    await fill(db, logSize, size);
    logSize = size;
    let started = performance.now();
    const checkpoint = await custody.checkpoint();
    const signed = parseCheckpoint(openNote(checkpoint.note, [parseVerifierKey(custody.verifierKey)]).text);
    const signing = secs(started);
    started = performance.now();
    const reference = await independentRoot(db, size);
    const valid = signed.size === size && Buffer.from(reference).equals(signed.rootHash);
    console.log(
      `  checkpoint of ${size.toLocaleString('en')} signed in ${signing}; root equals the independent root ` +
        `(computed in ${secs(started)}): ${valid ? 'yes' : 'NO'}`,
    );
    if (!valid) throw new Error('the bulk-loaded tree is not the tree of its entries');

    const indices = Array.from({ length: PROOFS }, () => Math.floor(random() * size));
    const pk: number[] = [];
    const inclusion: number[] = [];
    const consistency: number[] = [];
    let failures = 0;
    // Warm-up: the first queries of a size read its pages from disk.
    for (const index of indices.slice(0, 50)) await custody.inclusionProof(index, size);
    for (const index of indices) {
      let t0 = performance.now();
      const [entry] = await db.query<{ entry: Uint8Array }>('select entry from custody_entries where idx = $1', [
        index,
      ]);
      pk.push(performance.now() - t0);
      t0 = performance.now();
      const proof = await custody.inclusionProof(index, size);
      inclusion.push(performance.now() - t0);
      if (!entry || !verifyInclusion(leafHash(entry.entry), index, size, proof, signed.rootHash)) failures++;
    }
    const olds = indices.map((index) => index + 1);
    const oldRoots = new Map<number, Uint8Array>();
    for (const old of olds.slice(0, 100)) oldRoots.set(old, (await custody.checkpointAt(old)).rootHash);
    for (const old of olds) {
      const t0 = performance.now();
      const proof = await custody.consistencyProof(old, size);
      consistency.push(performance.now() - t0);
      const oldRoot = oldRoots.get(old);
      if (oldRoot && !verifyConsistency(old, size, proof, oldRoot, signed.rootHash)) failures++;
    }
    console.log(
      `  ${PROOFS} inclusion and ${PROOFS} consistency proofs (${oldRoots.size} of these against signed old ` +
        `checkpoints) checked: ${failures === 0 ? 'all verify' : `${failures} FAILED`}`,
    );
    const base = summarise(pk);
    for (const [label, latencies] of [
      ['primary-key read of one entry (baseline)', pk],
      ['inclusion proof', inclusion],
      ['consistency proof', consistency],
    ] as const) {
      const s = summarise(latencies);
      rows.push([
        size.toLocaleString('en'),
        label,
        ms(s.p50),
        ms(s.p99),
        ms(s.max),
        `${(s.p50 / base.p50).toFixed(2)}×`,
        `${(s.p99 / base.p99).toFixed(2)}×`,
      ]);
    }
    if (args.verify && i === 0) {
      started = performance.now();
      const result = await custody.verify();
      console.log(`  integrity check of ${size.toLocaleString('en')} entries: ${result.ok} in ${secs(started)}`);
    }
  }
  printTable(
    `proofs, ${PROOFS} random entries per size, one at a time (ms; one query each for the stored hashes and the log's size)`,
    ['entries', 'operation', 'p50', 'p99', 'max', 'p50 × pk', 'p99 × pk'],
    rows,
  );
}

let node: BenchNode | undefined;
let db: Db | undefined;
const databases: { drop(): Promise<void> }[] = [];

await runBench(
  async () => {
    const appends = await freshDatabase('passage_bench_custody_append');
    databases.push(appends);
    db = openPostgres(appends.url);
    await migrate(db);
    console.log((await machineFacts(db)).join('\n'));
    node = await benchNode(db);
    await appendRuns(db, node.services.custody);
    await db.close();
    node.dispose();

    const proofs = await freshDatabase('passage_bench_custody_proofs');
    databases.push(proofs);
    db = openPostgres(proofs.url);
    await migrate(db);
    node = await benchNode(db);
    console.log(`\nbulk-loading logs of ${SIZES.map((s) => s.toLocaleString('en')).join(' and ')} entries`);
    await proofRuns(db, node.services.custody);
  },
  async () => {
    await db?.close().catch(() => undefined);
    node?.dispose();
    for (const database of databases) await database.drop();
  },
);
