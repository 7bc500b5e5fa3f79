// Ids: a type prefix and 128 random bits, URL-safe, never repeated,
// also across the refills of the random pool newId draws from.
import { describe, expect, it } from 'vitest';
import { newId, newOrderedId } from '../../server/ids.js';

describe('newId', () => {
  it('gives 22 URL-safe characters (128 bits) after the prefix, all different over many pool refills', () => {
    const ids = Array.from({ length: 5000 }, () => newId('sub'));
    for (const id of ids) expect(id).toMatch(/^sub_[A-Za-z0-9_-]{22}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.slice(4, 8))).size).toBeGreaterThan(4000);
  });

  it('newOrderedId sorts by creation time when compared bytewise (SQLite text, PostgreSQL with the C collation), then at random', () => {
    const times = [
      0,
      1,
      63,
      64,
      1_700_000_000_000,
      Date.parse('2026-11-29T14:00:00Z'),
      Date.parse('2026-11-29T14:00:00.001Z'),
      2 ** 48 - 1,
    ];
    const ids = times.map((t) => newOrderedId('sub', t));
    for (const id of ids) expect(id).toMatch(/^sub_[A-Za-z0-9_-]{23}$/);
    const bytewise = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
    expect([...ids].sort(bytewise)).toEqual(ids);
    const sameMs = Array.from({ length: 1000 }, () => newOrderedId('sub', 1_700_000_000_000));
    expect(new Set(sameMs).size).toBe(1000);
    expect(new Set(sameMs.map((id) => id.slice(0, 12))).size).toBe(1);
  });
});
