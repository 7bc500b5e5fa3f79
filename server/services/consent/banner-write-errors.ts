// An error crosses from the write worker to the server as plain data and is made again
// on the other side: a refused request (ApiError: 422 UNKNOWN_PURPOSE ...) keeps its
// status, code and message, a database error its SQLite code.
import type { ErrorCode } from '../../../shared/errors.js';
import { ApiError } from '../../errors.js';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface WireError {
  message: string;
  code?: string;
  status?: number;
  issues?: ApiError['issues'];
  extra?: Record<string, unknown>;
}

export function wireError(error: unknown): WireError {
  if (error instanceof ApiError) {
    return {
      message: error.message,
      code: error.code,
      status: error.status,
      issues: error.issues,
      extra: error.extra,
    };
  }
  const { message, code } = error as { message?: unknown; code?: unknown };
  return {
    message: typeof message === 'string' ? message : String(error),
    ...(typeof code === 'string' ? { code } : {}),
  };
}

/** A database error from the worker, with SQLite's code (SQLITE_CONSTRAINT_UNIQUE ...). */
class WorkerError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export function fromWire(error: WireError): Error {
  if (error.status !== undefined) {
    return new ApiError(
      error.status as ContentfulStatusCode,
      error.code as ErrorCode,
      error.message,
      error.issues,
      error.extra,
    );
  }
  return new WorkerError(error.message, error.code);
}
