import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/app/config.ts';
import { openServices } from '../src/app/node.ts';
import { parseCheckpoint } from '../src/lib/checkpoint.ts';
import * as merkle from '../src/lib/merkle.ts';
import { openNote, parseVerifierKey } from '../src/lib/signed-note.ts';
import { tempDir } from './helpers.ts';
import { commandEnvironment, MAIN, NODE } from './passage-command.ts';

const dir = tempDir('passage-cli-custody-');
const SIZE = 12;
let env: Record<string, string>;
let dropDatabase: () => Promise<void> = async () => {};

function passage(args: string[]) {
  const result = spawnSync(NODE, [MAIN, ...args, '--data', dir.path], { env, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const event = (n: number) => Buffer.from(JSON.stringify({ v: 1, item: `item-${n}`, event: 'collected' }));

/** Works on the node's database directly, as the node would (only while no command holds it). */
async function withServices<T>(fn: (services: Awaited<ReturnType<typeof openServices>>) => Promise<T>): Promise<T> {
  const services = await openServices(loadConfig({ dataDir: dir.path }, env), 'cli-custody test');
  try {
    return await fn(services);
  } finally {
    await services.close();
  }
}

beforeAll(async () => {
  ({ env, drop: dropDatabase } = await commandEnvironment());
  const init = passage(['init', '--node-id', 'node-it', '--country', 'IT']);
  expect(init.status, init.stderr).toBe(0);
  await withServices(async ({ db, custody }) => {
    for (let n = 0; n < SIZE; n++) await db.transaction((tx) => custody.append(tx, event(n)));
  });
}, 180_000);
afterAll(async () => {
  await dropDatabase();
  dir.remove();
});

const slow = { timeout: 180_000 };
const leaves = Array.from({ length: SIZE }, (_, n) => merkle.leafHash(event(n)));

let publishedKey: string | undefined;
/** The verifier key as `custody checkpoint --json` publishes it; the notes below are checked against it alone. */
function verifierKey(): string {
  if (publishedKey) return publishedKey;
  const result = passage(['custody', 'checkpoint', '--json']);
  expect(result.status, result.stderr).toBe(0);
  publishedKey = JSON.parse(result.stdout).verifierKey as string;
  return publishedKey;
}

function rootOf(note: string, vkey: string) {
  return parseCheckpoint(openNote(note, [parseVerifierKey(vkey)]).text);
}

describe('passage custody', slow, () => {
  it('prints the latest signed checkpoint, which verifies with the node key', () => {
    const result = passage(['custody', 'checkpoint']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^passage\/node-it\/custody\n12\n[A-Za-z0-9+/]{43}=\n\n— passage\/node-it\/custody /);
    const body = rootOf(result.stdout, verifierKey());
    expect(body.size).toBe(SIZE);
    expect(Buffer.from(body.rootHash).equals(merkle.rootHash(leaves))).toBe(true);
  });

  it('prints an inclusion proof, one hash per line, and the checkpoint it proves against', () => {
    const result = passage(['custody', 'prove', '--index', '5', '--size', '9']);
    expect(result.status, result.stderr).toBe(0);
    const [head, note] = result.stdout.split('\nCheckpoint:\n') as [string, string];
    const lines = head.trim().split('\n');
    expect(lines[0]).toBe('Inclusion proof of entry 5 in the tree of size 9, leaf first.');
    const proof = lines.slice(lines.findIndex((l) => l.startsWith('Proof')) + 1).map((l) => Buffer.from(l, 'base64'));
    const body = rootOf(note, verifierKey());
    expect(body.size).toBe(9);
    expect(merkle.verifyInclusion(leaves[5] as Uint8Array, 5, 9, proof, body.rootHash)).toBe(true);
  });

  it('prints a consistency proof as JSON', () => {
    const result = passage(['custody', 'prove', '--consistency', '3', '12', '--json']);
    expect(result.status, result.stderr).toBe(0);
    const body = JSON.parse(result.stdout);
    const vkey = verifierKey();
    const ok = merkle.verifyConsistency(
      3,
      12,
      (body.proof as string[]).map((h) => Buffer.from(h, 'base64')),
      rootOf(body.oldCheckpoint.note, vkey).rootHash,
      rootOf(body.newCheckpoint.note, vkey).rootHash,
    );
    expect(ok).toBe(true);
  });

  it('refuses proofs outside the log and wrong options', () => {
    const outside = passage(['custody', 'prove', '--index', '12']);
    expect(outside.status).toBe(1);
    expect(outside.stderr).toContain('Entry 12 is not in the tree of size 12');
    const half = passage(['custody', 'prove', '--consistency', '3']);
    expect(half.status).toBe(2);
    expect(half.stderr).toContain('--consistency needs two sizes');
    expect(passage(['custody', 'prove']).status).toBe(2);
  });

  it('verifies the log without drawing a bar when the output is not a terminal', () => {
    const result = passage(['custody', 'verify']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      'Custody log intact: 12 entries checked.\nEvidence store intact: 0 stored files checked.\n',
    );
  });

  it('answers through the running node too', async () => {
    const child: ChildProcess = spawn(NODE, [MAIN, 'start', '--data', dir.path, '--port', '0'], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout?.on('data', (chunk) => {
          out += chunk;
          if (out.includes('listening on')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`node exited with ${code}`)));
      });
      const checkpoint = passage(['custody', 'checkpoint', '--json']);
      expect(checkpoint.status, checkpoint.stderr).toBe(0);
      expect(JSON.parse(checkpoint.stdout)).toMatchObject({ size: SIZE, origin: 'passage/node-it/custody' });
      const verify = passage(['custody', 'verify', '--json']);
      expect(verify.status, verify.stderr).toBe(0);
      expect(JSON.parse(verify.stdout)).toMatchObject({
        ok: true,
        checks: [
          { name: 'custody log', checked: SIZE },
          { name: 'evidence store', checked: 0 },
        ],
      });
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('reports an interior hash altered in the database and exits with status 3', async () => {
    await withServices(({ db }) =>
      db.transaction(async (tx) => {
        await tx.query('alter table custody_hashes disable trigger custody_hashes_no_update');
        await tx.query('update custody_hashes set hash = sha256(hash) where level = 1 and idx = 2');
        await tx.query('alter table custody_hashes enable trigger custody_hashes_no_update');
      }),
    );
    const result = passage(['custody', 'verify']);
    expect(result.status).toBe(3);
    expect(result.stdout).toContain('Custody log PROBLEM (node_hash_mismatch, level 1, index 2)');
  });
});
