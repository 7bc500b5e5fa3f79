// One error type for every expected failure; app.onError turns it into the
// documented `{ error: { code, message } }` body (see /openapi.json).
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorCode, ErrorIssue } from '../shared/errors.js';

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ErrorIssue[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** 429 with the seconds to wait, sent as Retry-After. */
export class RateLimitedError extends ApiError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'RATE_LIMITED', `Too many requests; try again in ${retryAfterSeconds} s`);
  }
}

export const notFound = (what = 'resource') => new ApiError(404, 'NOT_FOUND', `No such ${what}`);
export const unprocessable = (code: ErrorCode, message: string, extra?: Record<string, unknown>) =>
  new ApiError(422, code, message, undefined, extra);
