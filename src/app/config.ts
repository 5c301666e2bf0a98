import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isCountryCode } from '../shared/countries.ts';

/** A setting that is missing or invalid stops the process with one message naming it. */
export class ConfigError extends Error {
  readonly setting: string;
  constructor(setting: string, message: string) {
    super(`Setting ${setting}: ${message}`);
    this.setting = setting;
  }
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  label: string;
}

export interface Config {
  nodeId: string;
  nodeName: string;
  country: string | null;
  host: string;
  port: number;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | null;
  signingKeyFile: string;
  /** Ed25519 private JWK supplied by the environment instead of a file. */
  signingKey: string | null;
  kekFile: string;
  /** Base64 key-encryption key supplied by the environment instead of a file. */
  kek: string | null;
  oidc: OidcConfig | null;
  session: { idleMinutes: number; absoluteHours: number };
  logLevel: string;
  /** A demonstration node: sign-in codes can be shown on its console. */
  demo: boolean;
  /** Where evidence content is stored (content-addressed files). */
  evidenceDir: string;
  /** The largest evidence file the node accepts, in bytes. */
  evidenceMaxBytes: number;
}

/** Settings an operator may pass as flags; they win over the environment, which wins over `<data>/passage.json`. */
export interface ConfigOverrides {
  dataDir?: string;
  port?: number;
  host?: string;
  nodeId?: string;
  nodeName?: string;
  country?: string;
  databaseUrl?: string;
}

export const SETTINGS_FILE = 'passage.json';
export const DEFAULT_DATA_DIR = 'passage-data';

type Env = Record<string, string | undefined>;

function readSettingsFile(dataDir: string): Record<string, unknown> {
  const path = join(dataDir, SETTINGS_FILE);
  if (!existsSync(path)) return {};
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
  } catch {
    // fall through to the error below
  }
  throw new ConfigError(path, 'is not a JSON object');
}

function str(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
}

function integer(setting: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw)) throw new ConfigError(setting, `must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(setting, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/** A size in bytes, written as a whole number optionally followed by KiB, MiB, GiB or TiB. */
function byteSize(setting: string, raw: string, min: number): number {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(raw.trim());
  const unit = match ? BYTE_UNITS[(match[2] ?? '').toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new ConfigError(setting, `must be a number of bytes, optionally with KiB, MiB, GiB or TiB, got "${raw}"`);
  }
  const n = Number(match[1]) * unit;
  if (!Number.isSafeInteger(n) || n < min)
    throw new ConfigError(setting, `must be at least ${min} bytes, got "${raw}"`);
  return n;
}

export function resolveDataDir(overrides: ConfigOverrides = {}, env: Env = process.env): string {
  return resolve(overrides.dataDir ?? str(env.PASSAGE_DATA) ?? DEFAULT_DATA_DIR);
}

export function loadConfig(overrides: ConfigOverrides = {}, env: Env = process.env): Config {
  const dataDir = resolveDataDir(overrides, env);
  const file = readSettingsFile(dataDir);
  const pick = (flag: string | number | undefined, envName: string, fileKey: string): string | undefined =>
    str(flag) ?? str(env[envName]) ?? str(file[fileKey]);

  const nodeId = pick(overrides.nodeId, 'PASSAGE_NODE_ID', 'nodeId') ?? 'local';
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(nodeId)) {
    throw new ConfigError('PASSAGE_NODE_ID', `"${nodeId}" must be 2–63 lower-case letters, digits or hyphens`);
  }
  const nodeName = pick(overrides.nodeName, 'PASSAGE_NODE_NAME', 'nodeName') ?? `Passage ${nodeId}`;
  const countryRaw = pick(overrides.country, 'PASSAGE_COUNTRY', 'country');
  const country = countryRaw?.toUpperCase() ?? null;
  if (country !== null && !isCountryCode(country)) {
    throw new ConfigError('PASSAGE_COUNTRY', `"${countryRaw}" is not an ISO 3166-1 alpha-2 country code`);
  }
  const host = pick(overrides.host, 'PASSAGE_HOST', 'host') ?? '127.0.0.1';
  const port = integer('PASSAGE_PORT', pick(overrides.port, 'PASSAGE_PORT', 'port') ?? '8080', 0, 65535);
  const publicUrl = (pick(undefined, 'PASSAGE_PUBLIC_URL', 'publicUrl') ?? `http://${host}:${port}`).replace(/\/$/, '');
  if (!/^https?:\/\/[^/]+/.test(publicUrl)) {
    throw new ConfigError('PASSAGE_PUBLIC_URL', `"${publicUrl}" must be an http(s) URL`);
  }
  const databaseUrl = pick(overrides.databaseUrl, 'DATABASE_URL', 'databaseUrl') ?? null;
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'must start with postgres:// (leave it unset for the embedded database)');
  }
  const oidcIssuer = pick(undefined, 'PASSAGE_OIDC_ISSUER', 'oidcIssuer');
  let oidc: OidcConfig | null = null;
  if (oidcIssuer) {
    const clientId = pick(undefined, 'PASSAGE_OIDC_CLIENT_ID', 'oidcClientId');
    const clientSecret = pick(undefined, 'PASSAGE_OIDC_CLIENT_SECRET', 'oidcClientSecret');
    if (!clientId) throw new ConfigError('PASSAGE_OIDC_CLIENT_ID', 'is required when PASSAGE_OIDC_ISSUER is set');
    if (!clientSecret)
      throw new ConfigError('PASSAGE_OIDC_CLIENT_SECRET', 'is required when PASSAGE_OIDC_ISSUER is set');
    oidc = {
      issuer: oidcIssuer,
      clientId,
      clientSecret,
      label: pick(undefined, 'PASSAGE_OIDC_LABEL', 'oidcLabel') ?? 'OIDC',
    };
  }
  return {
    nodeId,
    nodeName,
    country,
    host,
    port,
    publicUrl,
    dataDir,
    databaseUrl,
    signingKeyFile: resolve(
      dataDir,
      pick(undefined, 'PASSAGE_SIGNING_KEY_FILE', 'signingKeyFile') ?? 'keys/signing.jwk',
    ),
    signingKey: str(env.PASSAGE_SIGNING_KEY) ?? null,
    kekFile: resolve(dataDir, pick(undefined, 'PASSAGE_KEK_FILE', 'kekFile') ?? 'keys/kek.key'),
    kek: str(env.PASSAGE_KEK) ?? null,
    oidc,
    session: {
      idleMinutes: integer(
        'PASSAGE_SESSION_IDLE_MINUTES',
        pick(undefined, 'PASSAGE_SESSION_IDLE_MINUTES', 'sessionIdleMinutes') ?? '30',
        1,
        1440,
      ),
      absoluteHours: integer(
        'PASSAGE_SESSION_ABSOLUTE_HOURS',
        pick(undefined, 'PASSAGE_SESSION_ABSOLUTE_HOURS', 'sessionAbsoluteHours') ?? '12',
        1,
        168,
      ),
    },
    logLevel: pick(undefined, 'PASSAGE_LOG_LEVEL', 'logLevel') ?? 'info',
    demo: file.demo === true,
    evidenceDir: resolve(dataDir, pick(undefined, 'PASSAGE_EVIDENCE_DIR', 'evidenceDir') ?? 'evidence'),
    evidenceMaxBytes: byteSize(
      'PASSAGE_EVIDENCE_MAX_BYTES',
      pick(undefined, 'PASSAGE_EVIDENCE_MAX_BYTES', 'evidenceMaxBytes') ?? '5GiB',
      1,
    ),
  };
}
