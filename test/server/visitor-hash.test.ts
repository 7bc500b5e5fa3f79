// What the server keeps of a visitor id. The widget's ids start with the time they were
// made; their hash keeps that time in front, so the visitor links of new visitors sort by
// time and are written at the end of their index. Other ids hash as they always did.
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../server/ids.js';
import { visitorHash } from '../../server/services/subjects/subjects-core.js';
import { visitorIdNow } from '../../widget/consent/random-id.js';

describe('visitor hash', () => {
  it("keeps a widget id's time in front of its hash, so later visitors sort later", () => {
    const id = visitorIdNow();
    expect(visitorHash(id)).toBe(id.slice(2, 14) + sha256Hex(`visitor:${id}`));
    const earlier = `v_${(Date.now() - 60_000).toString(16).padStart(12, '0')}${'f'.repeat(32)}`;
    expect(visitorHash(earlier) < visitorHash(id)).toBe(true);
  });

  it('hashes an id without a time (earlier widgets, tools) as before', () => {
    for (const id of ['v_0123456789abcdef0123456789abcdef', 'v_AAAAAAAAAAAAAAAAAAAAAAAAAAAA'])
      expect(visitorHash(id)).toBe(sha256Hex(`visitor:${id}`));
  });
});
