// Request validation with valibot schemas from shared/schemas. Every failure is a
// 400 with the path of each problem, never a 5xx (error shape `{ error: { code, message } }`).
import { vValidator } from '@hono/valibot-validator';
import type { ValidationTargets } from 'hono';
import * as v from 'valibot';
import { ApiError } from './errors.js';

/** How a message names the part of the request a problem is in. */
const where: Record<string, string> = {
  json: 'body',
  form: 'form',
  query: 'query parameter',
  param: 'path parameter',
  header: 'header',
  cookie: 'cookie',
};

/**
 * A 400 that says which field is wrong and how, in the message and per issue: "Invalid json"
 * would blame the syntax when the JSON parsed fine and one field was wrong.
 */
export function validationError(target: string, issues: readonly v.BaseIssue<unknown>[]): ApiError {
  const listed = issues.map((issue) => ({
    path: v.getDotPath(issue) ?? '',
    message: issue.message,
  }));
  const first = listed[0];
  const part = where[target] ?? target;
  const field = first?.path ? `${part === 'body' ? 'field' : part} "${first.path}"` : `the ${part}`;
  const more =
    listed.length > 1
      ? ` (and ${listed.length - 1} more problem${listed.length > 2 ? 's' : ''}, see issues)`
      : '';
  return new ApiError(
    400,
    'VALIDATION_FAILED',
    `Invalid ${field}: ${first?.message ?? 'not accepted'}${more}`,
    listed,
  );
}

export function validate<T extends v.GenericSchema, Target extends keyof ValidationTargets>(
  target: Target,
  schema: T,
) {
  return vValidator(target, schema, (result) => {
    if (!result.success) throw validationError(target, result.issues);
  });
}
