// The console speaks Dutch and English: every message exists in both, none is empty,
// and both fill the same placeholders.
import { describe, expect, it } from 'vitest';
import en from '../../console/messages/en.json';
import nl from '../../console/messages/nl.json';

const placeholders = (text: string) =>
  [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('console messages', () => {
  it('has the same keys in nl and en, none empty, with the same placeholders', () => {
    expect(Object.keys(nl).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      const dutch = (nl as Record<string, string>)[key];
      expect(text.trim(), `en.${key}`).not.toBe('');
      expect(dutch.trim(), `nl.${key}`).not.toBe('');
      expect(placeholders(dutch), `placeholders of ${key}`).toEqual(placeholders(text));
    }
  });
});
