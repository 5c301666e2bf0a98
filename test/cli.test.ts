import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteOptions } from '../src/db/client.ts';
import { keyId } from '../src/lib/data-keys.ts';
import { tempDir } from './helpers.ts';
import { commandEnvironment, MAIN, NODE } from './passage-command.ts';

const dir = tempDir('passage-cli-');
let env: Record<string, string>;
let dropDatabase: () => Promise<void> = async () => {};

/** Runs `passage …` as an operator would, with a password piped to standard input when asked. */
function passage(args: string[], input = '') {
  const result = spawnSync(NODE, [MAIN, ...args, '--data', dir.path], {
    env,
    input,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  ({ env, drop: dropDatabase } = await commandEnvironment());
});
afterAll(async () => {
  await dropDatabase();
  dir.remove();
});

// Each command is a new process that loads the code and opens the database: seconds each on a loaded machine.
const slow = { timeout: 180_000 };

describe('passage CLI with the node stopped', slow, () => {
  it('init creates the keys with mode 600 and says so, once', () => {
    const first = passage(['init', '--node-id', 'node-ro', '--country', 'ro', '--name', 'Passage România']);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('signing.jwk');
    expect(first.stdout).toContain('kek.key');
    for (const file of ['keys/signing.jwk', 'keys/kek.key']) {
      expect(statSync(join(dir.path, file)).mode & 0o777).toBe(0o600);
    }
    const again = passage(['init']);
    expect(again.status).toBe(0);
    expect(again.stdout).not.toContain('Created');
  });

  it('adds and lists agencies and users', () => {
    const agency = passage(['agency', 'add', '--name', 'Adăpost București', '--country', 'RO', '--type', 'NGO']);
    expect(agency.status, agency.stderr).toBe(0);
    const user = passage(
      ['user', 'add', '--email', 'Ioana@Example.org', '--name', 'Ioana Pop', '--role', 'case_worker@Adăpost București'],
      'a long enough password\n',
    );
    expect(user.status, user.stderr).toBe(0);
    expect(user.stdout).toMatch(/[A-Z2-7]{32}/);
    const list = passage(['user', 'list']);
    expect(list.stdout).toContain('ioana@example.org');
    expect(list.stdout).toContain('case_worker@Adăpost București');
  });

  it('refuses bad arguments with a clear message and a non-zero exit', () => {
    const badRole = passage(
      ['user', 'add', '--email', 'x@example.org', '--name', 'X', '--role', 'boss'],
      'password12345\n',
    );
    expect(badRole.status).not.toBe(0);
    expect(badRole.stderr).toContain('"boss" is not a role');
    const badCountry = passage(['agency', 'add', '--name', 'X', '--country', 'XX', '--type', 'NGO']);
    expect(badCountry.status).toBe(1);
    expect(badCountry.stderr).toContain('"XX" is not an ISO 3166-1 alpha-2 country code');
    const shortPassword = passage(
      ['user', 'add', '--email', 'y@example.org', '--name', 'Y', '--role', 'oversight'],
      'short\n',
    );
    expect(shortPassword.status).toBe(1);
    expect(shortPassword.stderr).toContain('at least 12 characters');
    expect(passage(['user', 'list']).stdout).not.toContain('y@example.org');
  });

  it('stops with one message naming a setting that is invalid', () => {
    const result = spawnSync(NODE, [MAIN, 'start', '--data', dir.path], {
      env: { ...env, PASSAGE_COUNTRY: 'Italy' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(
      'passage: Setting PASSAGE_COUNTRY: "Italy" is not an ISO 3166-1 alpha-2 country code',
    );
  });
});

describe('passage CLI with the node running', slow, () => {
  let node: ChildProcess;
  let url: string;
  beforeAll(async () => {
    node = spawn(NODE, [MAIN, 'start', '--data', dir.path, '--port', '0'], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      node.stdout?.on('data', (chunk) => {
        out += chunk;
        const match = out.match(/listening on (http:\/\/\S+)/);
        if (match?.[1]) resolve(match[1]);
      });
      node.once('exit', (code) => reject(new Error(`node exited with ${code}`)));
    });
  });
  afterAll(async () => {
    node.kill('SIGTERM');
    await new Promise((resolve) => node.once('exit', resolve));
  });

  it('adds a user through the running node, who can then sign in', async () => {
    const added = passage(
      ['user', 'add', '--email', 'mihai@example.org', '--name', 'Mihai', '--role', 'coordinator'],
      'another long password\n',
    );
    expect(added.status, added.stderr).toBe(0);
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'mihai@example.org', password: 'another long password' }),
    });
    expect(login.status).toBe(200);
    expect(passage(['user', 'list']).stdout).toContain('mihai@example.org');
  });

  it('disables a user through the running node', async () => {
    expect(passage(['user', 'disable', 'mihai@example.org']).status).toBe(0);
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'mihai@example.org', password: 'another long password' }),
    });
    expect(login.status).toBe(401);
  });

  it('verifies the audit trail through the running node', () => {
    const result = passage(['audit', 'verify']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Audit trail intact: \d+ records/);
  });

  it('refuses a second node on the same data directory', () => {
    const second = spawnSync(NODE, [MAIN, 'start', '--data', dir.path, '--port', '0'], { env, encoding: 'utf8' });
    expect(second.status).not.toBe(0);
    expect(second.stderr).toMatch(/in use by the Passage node|already running/);
  });
});

describe('passage audit verify', slow, () => {
  it('reports the first record altered directly in the database', async () => {
    const sql = `alter table audit_log disable trigger audit_log_no_update;
      update audit_log set actor = 'user:someone-else' where seq = 2;
      alter table audit_log enable trigger audit_log_no_update;`;
    if (env.DATABASE_URL) {
      const pg = await import('pg');
      const client = new pg.default.Client({ connectionString: env.DATABASE_URL });
      await client.connect();
      await client.query(sql);
      await client.end();
    } else {
      const db = await PGlite.create({ dataDir: join(dir.path, 'db'), ...pgliteOptions });
      await db.exec(sql);
      await db.close();
    }
    const result = passage(['audit', 'verify']);
    expect(result.status).toBe(3);
    expect(result.stdout).toContain('BROKEN at record 2 (hash_mismatch)');
    expect(result.stdout).toContain('the 1 records before it are intact');
  });
});

describe('passage keys rotate', slow, () => {
  const keysDir = join(dir.path, 'keys');
  const kekFile = join(keysDir, 'kek.key');
  const readKek = (file = kekFile) => readFileSync(file, 'utf8').trim();
  const idOf = (kek: string) => keyId(Buffer.from(kek, 'base64'));

  /** Starts `passage start` on a free port and resolves with its URL once it listens. */
  async function startNodeProcess(): Promise<{ url: string; stop(): Promise<void> }> {
    const child = spawn(NODE, [MAIN, 'start', '--data', dir.path, '--port', '0'], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (chunk) => {
        out += chunk;
        const match = out.match(/listening on (http:\/\/\S+)/);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`node exited with ${code}`)));
    });
    return {
      url,
      stop: async () => {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      },
    };
  }

  it('rewraps offline and prints key ids only; a user added before signs in with their TOTP code after', async () => {
    const added = passage(
      ['user', 'add', '--email', 'elena@example.org', '--name', 'Elena', '--role', 'node_admin'],
      'a password for rotation\n',
    );
    expect(added.status, added.stderr).toBe(0);
    const totpSecret = added.stdout.match(/[A-Z2-7]{32}/)?.[0] ?? '';
    const oldKek = readKek();

    const rotated = passage(['keys', 'rotate']);

    expect(rotated.status, rotated.stderr).toBe(0);
    const newKek = readKek();
    expect(newKek).not.toBe(oldKek);
    expect(rotated.stdout).toMatch(/Rewrapped \d+ data keys and node secrets and resealed \d+ TOTP secrets/);
    expect(rotated.stdout).toContain(`The key-encryption key is now ${idOf(newKek)}`);
    for (const key of [oldKek, newKek]) expect(rotated.stdout + rotated.stderr).not.toContain(key);
    const retired = readdirSync(keysDir).filter((file) => file.startsWith('kek.key.retired-'));
    expect(retired).toHaveLength(1);
    const retiredFile = join(keysDir, retired[0] as string);
    expect(readKek(retiredFile)).toBe(oldKek);
    expect(statSync(retiredFile).mode & 0o777).toBe(0o600);
    expect(statSync(kekFile).mode & 0o777).toBe(0o600);
    expect(rotated.stdout).toContain(retiredFile);

    const node = await startNodeProcess();
    try {
      const login = await fetch(`${node.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'elena@example.org', password: 'a password for rotation' }),
      });
      expect(login.status).toBe(200);
      const session = await login.json();
      expect(session.stage).toBe('second_factor');
      const cookie = login.headers.getSetCookie().find((c) => c.startsWith('passage_session=')) ?? '';
      const second = await fetch(`${node.url}/api/auth/second-factor`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          cookie: cookie.split(';')[0] as string,
          'x-csrf-token': session.csrfToken,
        },
        body: JSON.stringify({ code: await generate({ secret: totpSecret }) }),
      });
      expect(second.status, await second.clone().text()).toBe(200);
      expect((await second.json()).stage).toBe('complete');

      const whileRunning = passage(['keys', 'rotate']);
      expect(whileRunning.status).not.toBe(0);
      expect(whileRunning.stderr).toContain('Stop the node first');
      expect(readKek()).toBe(newKek);
    } finally {
      await node.stop();
    }
  });

  it('finishes an interrupted rotation, and the node refuses to start until then', () => {
    const pending = randomBytes(32).toString('base64');
    writeFileSync(`${kekFile}.next`, `${pending}\n`, { mode: 0o600 });

    const start = spawnSync(NODE, [MAIN, 'start', '--data', dir.path, '--port', '0'], { env, encoding: 'utf8' });
    expect(start.status).toBe(2);
    expect(start.stderr).toContain(`Run "passage keys rotate --data ${dir.path}" to finish it`);

    const rotated = passage(['keys', 'rotate']);
    expect(rotated.status, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain(`Finishing the interrupted rotation to key ${idOf(pending)}`);
    expect(readKek()).toBe(pending);
    expect(existsSync(`${kekFile}.next`)).toBe(false);
    expect(passage(['user', 'list']).stdout).toContain('elena@example.org');
  });

  it('refuses a key-encryption key given in the environment', () => {
    const result = spawnSync(NODE, [MAIN, 'keys', 'rotate', '--data', dir.path], {
      env: { ...env, PASSAGE_KEK: randomBytes(32).toString('base64') },
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('PASSAGE_KEK: passage keys rotate only rotates a key kept in a file');
  });
});
