import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadConfig } from '../app/config.ts';
import { ANY_NODE } from '../app/openapi-document.ts';
import { buildApp } from '../app/server.ts';
import { createServices } from '../app/services.ts';
import type { Db } from '../db/client.ts';

/** Describing the API touches no database: every call to this one is a programming error. */
const noDatabase: Db = new Proxy({} as Db, {
  get: (_target, property) => (property === 'kind' ? 'postgres' : () => Promise.reject(new Error('no database'))),
});

/** The OpenAPI document of every route, with optional features (OIDC) switched on so that they are described too. */
export async function openApiDocument(): Promise<unknown> {
  const config = loadConfig(
    { dataDir: tmpdir() },
    {
      PASSAGE_NODE_ID: 'node-openapi',
      PASSAGE_OIDC_ISSUER: 'https://idp.example',
      PASSAGE_OIDC_CLIENT_ID: 'passage',
      PASSAGE_OIDC_CLIENT_SECRET: 'unused',
    },
  );
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const keys = { signingKey: privateKey, publicJwk: publicKey.export({ format: 'jwk' }), kek: randomBytes(32) };
  const app = await buildApp(createServices(config, noDatabase, keys), { logger: false });
  await app.ready();
  // The committed document describes every node, not the throwaway one built here: its server is relative.
  const document = { ...app.swagger(), servers: ANY_NODE };
  await app.close();
  return document;
}

export async function writeOpenApi(file: string): Promise<void> {
  writeFileSync(file, `${JSON.stringify(await openApiDocument(), null, 2)}\n`);
}
