// The only reader of process.env: validates the environment (docs/configuration.md) once,
// fails fast naming the variable, and returns a frozen configuration.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import net from 'node:net';
import { makePrivateDir, narrowToOwner } from './private-files.js';

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly publicUrl: string;
  readonly adminToken: string | null;
  readonly secret: string;
  readonly smtpUrl: string | null;
  readonly production: boolean;
  readonly dataDir: string;
  /** Days an offboarded tenant's data is kept (still exportable) before it is deleted. */
  readonly offboardingGraceDays: number;
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  readonly logLevel: string;
  readonly rateLimits: Readonly<RateLimits>;
  /** AKKOORD_WEBHOOK_ALLOW_PRIVATE=true: webhooks may go to loopback and private addresses (local receivers, tests). */
  readonly webhookAllowPrivate: boolean;
  /** AKKOORD_TRUSTED_PROXIES: the only peers whose forwarding headers are believed. */
  readonly trustedProxies: readonly Subnet[];
}

/** An address range: 10.0.0.0/8, ::1/128. */
export interface Subnet {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

export class ConfigError extends Error {}

export type RateLimitName =
  'publicPerIp' | 'publicPerKey' | 'loginPerEmail' | 'loginPerIp' | 'secretKey' | 'adminTokenPerIp';
export interface RateRule {
  points: number;
  seconds: number;
}
/** A rule per limit, or null where the operator switched it off. */
export type RateLimits = Record<RateLimitName, RateRule | null>;

const defaultRateLimits: RateLimits = {
  publicPerIp: { points: 600, seconds: 60 },
  publicPerKey: { points: 60_000, seconds: 60 },
  loginPerEmail: { points: 5, seconds: 900 },
  loginPerIp: { points: 60, seconds: 900 },
  secretKey: { points: 12_000, seconds: 60 },
  // Wrong admin tokens only: the operator's own calls are never counted.
  adminTokenPerIp: { points: 10, seconds: 300 },
};

/**
 * AKKOORD_RATE_LIMITS: "off", or a JSON object overriding some limits, each
 * "POINTS/SECONDS" or null, e.g. {"publicPerIp":"100/60","secretKey":null}.
 */
function parseRateLimits(value: string | undefined): RateLimits {
  if (value === undefined || value === '') return { ...defaultRateLimits };
  if (value === 'off')
    return Object.fromEntries(
      Object.keys(defaultRateLimits).map((name) => [name, null]),
    ) as RateLimits;
  let overrides: Record<string, unknown>;
  try {
    overrides = JSON.parse(value) as Record<string, unknown>;
  } catch {
    throw new ConfigError(
      'AKKOORD_RATE_LIMITS must be "off" or a JSON object such as {"publicPerIp":"100/60"}',
    );
  }
  const limits = { ...defaultRateLimits };
  for (const [name, rule] of Object.entries(overrides)) {
    if (!(name in limits))
      throw new ConfigError(
        `AKKOORD_RATE_LIMITS has an unknown limit "${name}"; known: ${Object.keys(limits).join(', ')}`,
      );
    const match = typeof rule === 'string' ? /^(\d+)\/(\d+)$/.exec(rule) : null;
    if (rule !== null && !match)
      throw new ConfigError(`AKKOORD_RATE_LIMITS.${name} must be "POINTS/SECONDS" or null`);
    limits[name as RateLimitName] = match
      ? { points: Number(match[1]), seconds: Number(match[2]) }
      : null;
  }
  return limits;
}

/**
 * AKKOORD_TRUSTED_PROXIES: comma-separated CIDRs (a bare address is one host), e.g.
 * "127.0.0.1/32, 10.0.0.0/8, ::1". Empty: no proxy is trusted.
 */
export function parseTrustedProxies(value: string | undefined): Subnet[] {
  if (value === undefined || value.trim() === '') return [];
  return value
    .split(',')
    .map((part) => part.trim())
    .map((cidr) => {
      const [address, prefixText, extra] = cidr.split('/');
      const family = net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) ? 'ipv6' : null;
      const max = family === 'ipv4' ? 32 : 128;
      const prefix =
        prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
      if (!family || extra !== undefined || !(prefix >= 0 && prefix <= max)) {
        throw new ConfigError(
          `AKKOORD_TRUSTED_PROXIES must be comma-separated addresses or CIDRs such as 10.0.0.0/8 or ::1/128; "${cidr.slice(0, 60)}" is not one`,
        );
      }
      return Object.freeze({ address, prefix, family });
    });
}

const MIN_SECRET_LENGTH = 32;

/** Where the data lives, read without creating anything (`akkoord restore` writes there). */
export interface DataLocation {
  databaseUrl: string;
  dataDir: string;
  /** AKKOORD_SECRET when set; otherwise the secret is the file `secret` in dataDir. */
  envSecret: string | null;
}

export function loadDataLocation(
  env: Record<string, string | undefined> = process.env,
): DataLocation {
  const databaseUrl = env.DATABASE_URL ?? 'sqlite:./data/akkoord.db';
  if (!/^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be sqlite:PATH or postgres://...');
  }
  const dataDir = path.resolve(env.AKKOORD_DATA_DIR ?? defaultDataDir(databaseUrl));
  return { databaseUrl, dataDir, envSecret: env.AKKOORD_SECRET || null };
}

/** AKKOORD_BACKUP_PASSPHRASE: what `akkoord backup` seals the root secret with (or --passphrase-file). */
export function backupPassphraseFromEnv(
  env: Record<string, string | undefined> = process.env,
): string | undefined {
  return env.AKKOORD_BACKUP_PASSPHRASE || undefined;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const port = parsePort(env.PORT ?? '8080');
  const host = env.HOST ?? '127.0.0.1';
  const { databaseUrl, dataDir, envSecret } = loadDataLocation(env);
  const publicUrl = (env.PUBLIC_URL ?? `http://127.0.0.1:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(publicUrl))
    throw new ConfigError('PUBLIC_URL must be an http(s) URL');
  const production = env.NODE_ENV === 'production';
  // Links in e-mails (RFC 8058 unsubscribe), receipts and Secure cookies are only right on https.
  if (production && !publicUrl.startsWith('https://')) {
    throw new ConfigError(
      `PUBLIC_URL must be an https:// URL when NODE_ENV=production (got ${env.PUBLIC_URL === undefined ? 'none' : `"${publicUrl.slice(0, 100)}"`})`,
    );
  }
  const adminToken = env.AKKOORD_ADMIN_TOKEN || null;
  if (adminToken !== null && adminToken.length < 16) {
    throw new ConfigError('AKKOORD_ADMIN_TOKEN must be at least 16 characters');
  }
  const smtpUrl = env.SMTP_URL || null;
  if (smtpUrl !== null && !/^smtps?:\/\//.test(smtpUrl))
    throw new ConfigError('SMTP_URL must be smtp:// or smtps://');
  const secret = envSecret ?? readOrCreateSecret(dataDir);
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(`AKKOORD_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  const offboardingGraceDays = parseDays(
    'AKKOORD_OFFBOARDING_GRACE_DAYS',
    env.AKKOORD_OFFBOARDING_GRACE_DAYS ?? '30',
  );
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(
      `LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "${logLevel}"`,
    );
  }
  const allowPrivate = env.AKKOORD_WEBHOOK_ALLOW_PRIVATE ?? 'false';
  if (allowPrivate !== 'true' && allowPrivate !== 'false')
    throw new ConfigError('AKKOORD_WEBHOOK_ALLOW_PRIVATE must be true or false');
  return Object.freeze({
    logLevel,
    webhookAllowPrivate: allowPrivate === 'true',
    rateLimits: Object.freeze(parseRateLimits(env.AKKOORD_RATE_LIMITS)),
    trustedProxies: Object.freeze(parseTrustedProxies(env.AKKOORD_TRUSTED_PROXIES)),
    port,
    host,
    databaseUrl,
    publicUrl,
    adminToken,
    secret,
    smtpUrl,
    dataDir,
    offboardingGraceDays,
    production,
  });
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`PORT must be a port number, got "${value}"`);
  return port;
}

function parseDays(name: string, value: string): number {
  const days = Number(value);
  if (!/^\d+$/.test(value) || days > 3650)
    throw new ConfigError(`${name} must be a whole number of days (0 to 3650), got "${value}"`);
  return days;
}

function defaultDataDir(databaseUrl: string): string {
  if (databaseUrl.startsWith('sqlite:') && databaseUrl !== 'sqlite::memory:') {
    return path.dirname(databaseUrl.slice('sqlite:'.length));
  }
  return './data';
}

/** The root secret is made once and kept beside the data, readable by its owner only. */
function readOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, 'secret');
  try {
    const secret = fs.readFileSync(file, 'utf8').trim();
    narrowToOwner(file);
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  makePrivateDir(dataDir);
  const secret = crypto.randomBytes(32).toString('base64url');
  fs.writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  return secret;
}
