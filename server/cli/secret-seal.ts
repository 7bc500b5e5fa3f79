// The root secret as it travels inside a backup: encrypted with a key stretched from
// the operator's passphrase (scrypt), then AES-256-GCM, so a stolen backup file alone
// opens neither the secret nor the personal data it protects.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { CliError } from './output.js';

const FORMAT = 'akkoord-sealed-secret-v1';
// scrypt cost: about 0.1 s and 32 MiB per open; a guess at the passphrase costs the same.
const SCRYPT = { N: 2 ** 15, r: 8, p: 1 };
const MIN_PASSPHRASE = 12;

interface Sealed {
  format: typeof FORMAT;
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  iv: string;
  ciphertext: string;
  tag: string;
}

function stretch(
  passphrase: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Buffer {
  return crypto.scryptSync(passphrase, salt, 32, { ...params, maxmem: 256 * params.N * params.r });
}

export function sealSecret(secret: string, passphrase: string): string {
  const salt = crypto.randomBytes(16);
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', stretch(passphrase, salt, SCRYPT), iv);
  cipher.setAAD(Buffer.from(FORMAT));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  const sealed: Sealed = {
    format: FORMAT,
    kdf: 'scrypt',
    ...SCRYPT,
    salt: salt.toString('base64url'),
    iv: iv.toString('base64url'),
    ciphertext: ciphertext.toString('base64url'),
    tag: cipher.getAuthTag().toString('base64url'),
  };
  return JSON.stringify(sealed);
}

/** The secret, or a CliError when the passphrase is wrong or the value is not a sealed secret. */
export function openSealedSecret(value: string, passphrase: string): string {
  let sealed: Sealed;
  try {
    sealed = JSON.parse(value) as Sealed;
  } catch {
    throw new CliError("The backup's sealed secret is damaged (not JSON)");
  }
  if (sealed.format !== FORMAT || sealed.kdf !== 'scrypt' || !(sealed.N <= 2 ** 20)) {
    throw new CliError(
      `The backup's secret is sealed in a format this version does not know (${String(sealed.format).slice(0, 40)})`,
    );
  }
  try {
    const key = stretch(passphrase, Buffer.from(sealed.salt, 'base64url'), sealed);
    const decipher = crypto.createDecipheriv(
      'aes-256-gcm',
      key,
      Buffer.from(sealed.iv, 'base64url'),
    );
    decipher.setAAD(Buffer.from(FORMAT));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(sealed.ciphertext, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new CliError(
      "The passphrase does not open this backup's secret (wrong passphrase, or a damaged file)",
    );
  }
}

/**
 * The passphrase from --passphrase-file (its first line) or AKKOORD_BACKUP_PASSPHRASE.
 * There is no prompt: backups run from scripts, and a passphrase typed on a command
 * line would land in the shell history.
 */
export function readPassphrase(
  file: string | undefined,
  env: string | undefined,
  use: 'encrypt' | 'open',
): string {
  let passphrase: string;
  if (file !== undefined) {
    try {
      passphrase = fs.readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '';
    } catch (error) {
      throw new CliError(
        `Cannot read the passphrase file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
  } else if (env) {
    passphrase = env;
  } else {
    throw new CliError(
      `A backup carries the root secret, so it needs a passphrase to ${use} it with`,
      [
        'pass --passphrase-file FILE (the first line of FILE is the passphrase)',
        'or set AKKOORD_BACKUP_PASSPHRASE',
        'Keep the passphrase apart from the backups: without it a backup cannot be restored.',
      ],
    );
  }
  if (use === 'encrypt' && passphrase.length < MIN_PASSPHRASE) {
    throw new CliError(`The backup passphrase must be at least ${MIN_PASSPHRASE} characters`);
  }
  return passphrase;
}
