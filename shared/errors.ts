// The closed set of error codes the API answers with, shared by
// the server, the widget and the preference center.
export const errorCodes = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'ORIGIN_NOT_ALLOWED',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'CONFIG_NOT_COMPLIANT',
  'NO_CONFIG',
  'UNKNOWN_PURPOSE',
  'REQUIRED_PURPOSE',
  'STALE_CONFIG',
  'BAD_CURSOR',
  'INVALID_TOKEN',
  'CSRF_FAILED',
  'RATE_LIMITED',
  'TENANT_OFFBOARDING',
  'REQUEST_NOT_OPEN',
  'EXTENSION_NOT_ALLOWED',
  'SUBJECT_ERASED',
  'WEBHOOK_URL_NOT_ALLOWED',
  'STEP_UP_REQUIRED',
  'NO_ADDRESS_ON_FILE',
  'PARENTAL_CONSENT_REQUIRED',
  'NOT_A_CONSENT_PURPOSE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface ErrorIssue {
  path: string;
  message: string;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; issues?: ErrorIssue[]; [extra: string]: unknown };
}
