// Vitest setup: fails the test during which an app answered something /openapi.json does not
// describe (see response-check.ts).
import { afterAll, afterEach } from 'vitest';
import { takeMismatches } from './response-check.js';

async function failOnMismatch() {
  const found = await takeMismatches();
  if (found.length > 0)
    throw new Error(`The answer does not match /openapi.json:\n${found.join('\n')}`);
}

afterEach(failOnMismatch);
afterAll(failOnMismatch);
