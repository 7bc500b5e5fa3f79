// docs/configuration.md is generated from the configuration schema: every field is described,
// and the committed file is exactly what the generator renders now.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CONFIG_REFERENCE_PATH,
  FIELD_DOCS,
  renderConfigReference,
} from '../../shared/schemas/config-reference.js';

describe('the configuration reference', () => {
  it('is current: run `npm run docs:config` after changing the schema', () => {
    expect(fs.readFileSync(CONFIG_REFERENCE_PATH, 'utf8')).toBe(renderConfigReference());
  });

  it('names a lint rule only if the lint has it', () => {
    const lint = fs.readFileSync('shared/config/lint.ts', 'utf8');
    for (const [path, doc] of Object.entries(FIELD_DOCS)) {
      for (const rule of doc.lint ?? []) expect(lint, `${path}: ${rule}`).toContain(`'${rule}'`);
    }
  });
});
