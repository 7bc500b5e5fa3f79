// Request validation with valibot schemas from shared/schemas. Every failure is a
// 400 with the path of each problem, never a 5xx (CONTRACT.md §0).
import { vValidator } from '@hono/valibot-validator';
import type { ValidationTargets } from 'hono';
import * as v from 'valibot';
import { ApiError } from './errors.js';

export function validate<T extends v.GenericSchema, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return vValidator(target, schema, (result) => {
    if (!result.success) {
      const issues = result.issues.map((issue) => ({
        path: v.getDotPath(issue) ?? '',
        message: issue.message,
      }));
      throw new ApiError(400, 'VALIDATION_FAILED', `Invalid ${target}`, issues);
    }
  });
}
