// The only reader of process.env: validates the environment of CONTRACT.md §1 once,
// fails fast naming the variable, and returns a frozen configuration.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

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
}

export class ConfigError extends Error {}

export type RateLimitName = 'publicPerIp' | 'publicPerKey' | 'loginPerEmail' | 'loginPerIp' | 'secretKey';
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
};

/**
 * AKKOORD_RATE_LIMITS: "off", or a JSON object overriding some limits, each
 * "POINTS/SECONDS" or null, e.g. {"publicPerIp":"100/60","secretKey":null}.
 */
function parseRateLimits(value: string | undefined): RateLimits {
  if (value === undefined || value === '') return { ...defaultRateLimits };
  if (value === 'off') return { publicPerIp: null, publicPerKey: null, loginPerEmail: null, loginPerIp: null, secretKey: null };
  let overrides: Record<string, unknown>;
  try {
    overrides = JSON.parse(value) as Record<string, unknown>;
  } catch {
    throw new ConfigError('AKKOORD_RATE_LIMITS must be "off" or a JSON object such as {"publicPerIp":"100/60"}');
  }
  const limits = { ...defaultRateLimits };
  for (const [name, rule] of Object.entries(overrides)) {
    if (!(name in limits)) throw new ConfigError(`AKKOORD_RATE_LIMITS has an unknown limit "${name}"; known: ${Object.keys(limits).join(', ')}`);
    const match = typeof rule === 'string' ? /^(\d+)\/(\d+)$/.exec(rule) : null;
    if (rule !== null && !match) throw new ConfigError(`AKKOORD_RATE_LIMITS.${name} must be "POINTS/SECONDS" or null`);
    limits[name as RateLimitName] = match ? { points: Number(match[1]), seconds: Number(match[2]) } : null;
  }
  return limits;
}

const MIN_SECRET_LENGTH = 32;

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const port = parsePort(env.PORT ?? '8080');
  const host = env.HOST ?? '127.0.0.1';
  const databaseUrl = env.DATABASE_URL ?? 'sqlite:./data/akkoord.db';
  if (!/^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be sqlite:PATH or postgres://...');
  }
  const publicUrl = (env.PUBLIC_URL ?? `http://127.0.0.1:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(publicUrl)) throw new ConfigError('PUBLIC_URL must be an http(s) URL');
  const adminToken = env.AKKOORD_ADMIN_TOKEN || null;
  if (adminToken !== null && adminToken.length < 16) {
    throw new ConfigError('AKKOORD_ADMIN_TOKEN must be at least 16 characters');
  }
  const smtpUrl = env.SMTP_URL || null;
  if (smtpUrl !== null && !/^smtps?:\/\//.test(smtpUrl)) throw new ConfigError('SMTP_URL must be smtp:// or smtps://');
  const dataDir = path.resolve(env.AKKOORD_DATA_DIR ?? defaultDataDir(databaseUrl));
  const secret = env.AKKOORD_SECRET ?? readOrCreateSecret(dataDir);
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(`AKKOORD_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  const offboardingGraceDays = parseDays('AKKOORD_OFFBOARDING_GRACE_DAYS', env.AKKOORD_OFFBOARDING_GRACE_DAYS ?? '30');
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "${logLevel}"`);
  }
  const allowPrivate = env.AKKOORD_WEBHOOK_ALLOW_PRIVATE ?? 'false';
  if (allowPrivate !== 'true' && allowPrivate !== 'false') throw new ConfigError('AKKOORD_WEBHOOK_ALLOW_PRIVATE must be true or false');
  return Object.freeze({
    logLevel,
    webhookAllowPrivate: allowPrivate === 'true',
    rateLimits: Object.freeze(parseRateLimits(env.AKKOORD_RATE_LIMITS)),
    port, host, databaseUrl, publicUrl, adminToken, secret, smtpUrl, dataDir, offboardingGraceDays,
    production: env.NODE_ENV === 'production',
  });
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a port number, got "${value}"`);
  return port;
}

function parseDays(name: string, value: string): number {
  const days = Number(value);
  if (!/^\d+$/.test(value) || days > 3650) throw new ConfigError(`${name} must be a whole number of days (0 to 3650), got "${value}"`);
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
    return fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = crypto.randomBytes(32).toString('base64url');
  fs.writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  return secret;
}
