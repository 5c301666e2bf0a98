/**
 * Federation round trips (issue #5): node-md sends a signed `passage.ping` to node-it and waits for node-it's signed
 * receipt, over HTTP on loopback. Prints the latency of one message at a time (p50/p99) and the sustained messages
 * per second with 32 senders at once, against the baseline of the bare Ed25519 work a round trip needs (two
 * signatures and two verifications, node:crypto) in the same run.
 *
 * Both nodes run in this process, each on a database of its own: the embedded one, or with DATABASE_URL fresh
 * PostgreSQL databases. Sender and receiver thus share one event loop.
 *
 *   node bench/federation.ts [--messages 300] [--seconds 10] [--clients 32]
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/app/config.ts';
import { type RunningNode, startNode } from '../src/app/node.ts';
import { operatorContext } from '../src/app/operations.ts';
import { PING } from '../src/modules/federation/index.ts';
import { ensureKeys } from '../src/modules/key-custody/index.ts';
import { freshDatabase, ms, printTable, summarise } from './harness.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '300' },
    seconds: { type: 'string', default: '10' },
    clients: { type: 'string', default: '32' },
  },
});
const MESSAGES = Number(values.messages);
const SECONDS = Number(values.seconds);
const CLIENTS = Number(values.clients);
const ctx = operatorContext('bench');

/** Round trips per second of the bare signatures: sign and verify a message, then sign and verify a receipt. */
function bareCrypto(seconds: number): { perSecond: number; microseconds: number } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const message = Buffer.alloc(420, 'm');
  const receipt = Buffer.alloc(260, 'r');
  const deadline = performance.now() + seconds * 1000;
  let rounds = 0;
  while (performance.now() < deadline) {
    for (let i = 0; i < 100; i++) {
      verify(null, message, publicKey, sign(null, message, privateKey));
      verify(null, receipt, publicKey, sign(null, receipt, privateKey));
    }
    rounds += 100;
  }
  const perSecond = rounds / seconds;
  return { perSecond, microseconds: 1e6 / perSecond };
}

async function node(nodeId: string, country: string) {
  const dataDir = mkdtempSync(join(tmpdir(), `passage-bench-${nodeId}-`));
  const database = process.env.DATABASE_URL ? await freshDatabase(`passage_bench_${nodeId.replace('-', '_')}`) : null;
  const config = loadConfig(
    { dataDir },
    {
      PASSAGE_NODE_ID: nodeId,
      PASSAGE_COUNTRY: country,
      PASSAGE_PORT: '0',
      ...(database ? { DATABASE_URL: database.url } : {}),
    },
  );
  ensureKeys(config);
  const running = await startNode(config, { logger: false, rateLimit: 1_000_000 });
  return {
    running,
    async close() {
      await running.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function peer(a: RunningNode, b: RunningNode) {
  await a.services.peers.add(ctx, { url: b.url, fingerprint: b.services.custody.fingerprint });
}

const md = await node('node-md', 'MD');
const it_ = await node('node-it', 'IT');
await peer(md.running, it_.running);
await peer(it_.running, md.running);
const send = async () => {
  const result = await md.running.services.messages.send(ctx, 'node-it', PING, {});
  if (result.status !== 'accepted') throw new Error(`a ping was not accepted: ${result.reason}`);
};

try {
  for (let i = 0; i < 30; i++) await send(); // warm-up

  const crypto = bareCrypto(3);

  const latencies: number[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const started = performance.now();
    await send();
    latencies.push(performance.now() - started);
  }
  const one = summarise(latencies);

  let sent = 0;
  const loaded: number[] = [];
  const deadline = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < deadline) {
        const started = performance.now();
        await send();
        loaded.push(performance.now() - started);
        sent++;
      }
    }),
  );
  const sustained = sent / SECONDS;
  const underLoad = summarise(loaded);

  console.log(`Database: ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite (embedded)'}; both nodes in one process.`);
  printTable(
    'Round trip node-md → node-it → signed receipt (loopback HTTP)',
    ['run', 'messages/s', 'p50 ms', 'p99 ms', '× bare crypto'],
    [
      ['bare Ed25519: 2 signs + 2 verifies', crypto.perSecond.toFixed(0), ms(crypto.microseconds / 1000), '', '1.00'],
      ['one message at a time', (1000 / one.mean).toFixed(0), ms(one.p50), ms(one.p99), ''],
      [
        `${CLIENTS} senders at once, ${SECONDS} s`,
        sustained.toFixed(0),
        ms(underLoad.p50),
        ms(underLoad.p99),
        (sustained / crypto.perSecond).toFixed(3),
      ],
    ],
  );
} finally {
  await md.close();
  await it_.close();
}
