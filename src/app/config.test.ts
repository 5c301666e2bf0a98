import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers.ts';
import { ensureKeys, loadKeys } from '../modules/key-custody/index.ts';
import { ConfigError, loadConfig } from './config.ts';

const dirs: ReturnType<typeof tempDir>[] = [];
const fresh = () => {
  const dir = tempDir('passage-config-');
  dirs.push(dir);
  return dir.path;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

const settingOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.setting;
    throw error;
  }
  return null;
};

describe('configuration', () => {
  it('names the setting that is invalid or missing', () => {
    const dataDir = fresh();
    expect(settingOf(() => loadConfig({ dataDir }, { PASSAGE_COUNTRY: 'XX' }))).toBe('PASSAGE_COUNTRY');
    expect(settingOf(() => loadConfig({ dataDir }, { PASSAGE_PORT: 'eighty' }))).toBe('PASSAGE_PORT');
    expect(settingOf(() => loadConfig({ dataDir }, { PASSAGE_NODE_ID: 'Node IT' }))).toBe('PASSAGE_NODE_ID');
    expect(settingOf(() => loadConfig({ dataDir }, { DATABASE_URL: 'mysql://x' }))).toBe('DATABASE_URL');
    expect(settingOf(() => loadConfig({ dataDir }, { PASSAGE_OIDC_ISSUER: 'https://idp.example' }))).toBe(
      'PASSAGE_OIDC_CLIENT_ID',
    );
  });

  it('takes flags over the environment over the settings file', () => {
    const dataDir = fresh();
    writeFileSync(join(dataDir, 'passage.json'), JSON.stringify({ nodeId: 'node-file', country: 'RO', port: 9000 }));
    const fromFile = loadConfig({ dataDir }, {});
    expect(fromFile).toMatchObject({ nodeId: 'node-file', country: 'RO', port: 9000 });
    const fromEnv = loadConfig({ dataDir }, { PASSAGE_NODE_ID: 'node-env', PASSAGE_COUNTRY: 'md' });
    expect(fromEnv).toMatchObject({ nodeId: 'node-env', country: 'MD', port: 9000 });
    expect(loadConfig({ dataDir, nodeId: 'node-flag', port: 9100 }, { PASSAGE_NODE_ID: 'node-env' })).toMatchObject({
      nodeId: 'node-flag',
      port: 9100,
    });
  });

  it('refuses a settings file that is not a JSON object', () => {
    const dataDir = fresh();
    writeFileSync(join(dataDir, 'passage.json'), '[1, 2]');
    expect(settingOf(() => loadConfig({ dataDir }, {}))).toBe(join(dataDir, 'passage.json'));
  });
});

describe('node keys', () => {
  it('creates both keys once, readable by the owner only', () => {
    const config = loadConfig({ dataDir: fresh() }, {});
    expect(ensureKeys(config)).toEqual([config.signingKeyFile, config.kekFile]);
    expect(ensureKeys(config)).toEqual([]);
    for (const file of [config.signingKeyFile, config.kekFile]) expect(statSync(file).mode & 0o777).toBe(0o600);
    const keys = loadKeys(config);
    expect(keys.kek).toHaveLength(32);
    expect(keys.publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect(keys.publicJwk).not.toHaveProperty('d');
  });

  it('never generates a key the operator placed elsewhere, and refuses loose permissions', () => {
    const dataDir = fresh();
    const elsewhere = loadConfig({ dataDir }, { PASSAGE_KEK_FILE: join(fresh(), 'kek.key') });
    expect(ensureKeys(elsewhere)).toEqual([elsewhere.signingKeyFile]);
    expect(settingOf(() => loadKeys(elsewhere))).toBe('PASSAGE_KEK_FILE');
    const config = loadConfig({ dataDir }, {});
    ensureKeys(config);
    chmodSync(config.kekFile, 0o644);
    expect(() => loadKeys(config)).toThrow(/must not be readable by group or others/);
  });

  it('takes keys from the environment and checks them', () => {
    const dataDir = fresh();
    const jwk = JSON.stringify(generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }));
    const config = loadConfig(
      { dataDir },
      { PASSAGE_SIGNING_KEY: jwk, PASSAGE_KEK: randomBytes(32).toString('base64') },
    );
    expect(ensureKeys(config)).toEqual([]);
    expect(loadKeys(config).kek).toHaveLength(32);
    const shortKek = loadConfig(
      { dataDir },
      { PASSAGE_SIGNING_KEY: jwk, PASSAGE_KEK: randomBytes(16).toString('base64') },
    );
    expect(settingOf(() => loadKeys(shortKek))).toBe('PASSAGE_KEK');
    const notEd25519 = JSON.stringify(generateKeyPairSync('x25519').privateKey.export({ format: 'jwk' }));
    const wrongKey = loadConfig(
      { dataDir },
      { PASSAGE_SIGNING_KEY: notEd25519, PASSAGE_KEK: randomBytes(32).toString('base64') },
    );
    expect(settingOf(() => loadKeys(wrongKey))).toBe('PASSAGE_SIGNING_KEY');
  });
});
