// Structured logs with pino. Lines carry ids, routes and statuses, never a request
// body, a query string or a header value: the redaction list below is a second line
// of defence, and scrubText masks anything that still looks like personal data or a
// credential (no e-mail, phone, IP or token in a log line).
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

const redactPaths = [
  'email',
  '*.email',
  'phone',
  '*.phone',
  'ip',
  '*.ip',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  'cookie',
  '*.cookie',
  'headers',
  '*.headers',
  'body',
  '*.body',
  'visitorId',
  '*.visitorId',
  'externalId',
  '*.externalId',
  'attributes',
  '*.attributes',
];

const emailPattern = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[a-z]{2,}/gi;
// whsec_ secrets are standard base64, so + / = belong to the credential too.
const credentialPattern = /\b(sk|pk|whsec|v)_[A-Za-z0-9_+/=-]{8,}/g;
// Link tokens, session ids and CSRF tokens: 32 or more base64url characters in a row (ids are shorter).
const tokenPattern = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_-])/g;
const phonePattern = /\+?\d[\d\s().-]{7,}\d/g;
const ipv4Pattern = /\b\d{1,3}(\.\d{1,3}){3}\b/g;

/** Masks personal data and credentials in free text such as an error message. */
export function scrubText(text: string): string {
  return text
    .replace(emailPattern, '[email]')
    .replace(credentialPattern, '$1_[redacted]')
    .replace(tokenPattern, '[token]')
    .replace(ipv4Pattern, '[ip]')
    .replace(phonePattern, '[number]');
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: redactPaths, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      serializers: {
        err: (error: Error) => ({
          type: error.name,
          message: scrubText(error.message),
          stack: scrubText(error.stack ?? ''),
        }),
      },
      hooks: {
        // Messages are free text: scrub them like error messages.
        logMethod(args, method) {
          if (typeof args[0] === 'string') args[0] = scrubText(args[0]);
          if (typeof args[1] === 'string') args[1] = scrubText(args[1]);
          return method.apply(this, args as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
