// The ledger's hash definition (GDPR-04): SHA-256 over the previous hash, a newline and
// canonicalJson of the event's fields. eventHash writes the JSON directly for speed; a
// stored chain only verifies if both stay byte for byte the same, for any field values.
import crypto from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/canonical-json.js';
import { contextDigest, eventHash } from '../../server/services/ledger/ledger-hash.js';

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', '"', '\\', '\u2028', 'é', '😀'),
);
const maybeText = fc.option(text, { nil: null });
const sha256 = (value: string) => crypto.createHash('sha256').update(value).digest('hex');

const eventFields = fc.record({
  tenant_id: text,
  seq: fc.nat(),
  consent_id: text,
  subject_id: text,
  purpose: text,
  channel: text,
  status: fc.constantFrom(
    'granted',
    'denied',
    'withdrawn',
    'expired',
    'pending',
  ) as fc.Arbitrary<'granted'>,
  config_version: fc.nat(),
  notice_hash: text,
  locale: text,
  source: text,
  gpc: fc.constantFrom(0, 1) as fc.Arbitrary<0 | 1>,
  context_digest: text,
  client_event_id: maybeText,
  captured_at: maybeText,
  occurred_at: text,
  prev_hash: text,
  interaction: fc.option(
    fc.constantFrom('accept_all', 'reject_all', 'save_choices', 'placeholder', 'script'),
    { nil: null },
  ),
});

describe('ledger hash (GDPR-04)', () => {
  it('eventHash is SHA-256 of prev_hash, a newline and canonicalJson of the named fields, for any values', () => {
    fc.assert(
      fc.property(eventFields, (e) => {
        const canonical = canonicalJson({
          v: 1,
          tenant: e.tenant_id,
          seq: e.seq,
          consent: e.consent_id,
          subject: e.subject_id,
          purpose: e.purpose,
          channel: e.channel,
          status: e.status,
          configVersion: e.config_version,
          noticeHash: e.notice_hash,
          locale: e.locale,
          source: e.source,
          gpc: e.gpc,
          context: e.context_digest,
          clientEventId: e.client_event_id,
          capturedAt: e.captured_at,
          occurredAt: e.occurred_at,
          // The banner's interaction is hashed only when set: older events keep their hashes.
          ...(e.interaction ? { interaction: e.interaction } : {}),
        });
        expect(eventHash(e)).toBe(sha256(`${e.prev_hash}\n${canonical}`));
      }),
      { numRuns: 500 },
    );
  });

  it('contextDigest is SHA-256 of canonicalJson({ ip, ua })', () => {
    fc.assert(
      fc.property(maybeText, maybeText, (ip, ua) => {
        expect(contextDigest(ip, ua)).toBe(sha256(canonicalJson({ ip, ua })));
      }),
      { numRuns: 300 },
    );
  });

  it('a hash recorded before this way of writing it still comes out the same', () => {
    const event = {
      tenant_id: 'ten_a',
      seq: 7,
      consent_id: 'cns_b',
      subject_id: 'sub_c',
      purpose: 'analytics',
      channel: '',
      status: 'granted' as const,
      config_version: 2,
      notice_hash: 'n'.repeat(64),
      locale: 'nl',
      source: 'banner',
      gpc: 0 as const,
      context_digest: 'd'.repeat(64),
      client_event_id: 'ce_1',
      captured_at: null,
      occurred_at: '2026-11-29T12:00:00.000Z',
      prev_hash: '0'.repeat(64),
    };
    // Computed with the generic canonicalJson implementation before eventHash wrote its JSON directly.
    expect(eventHash(event)).toBe(
      '6fd5d8b245439cb976238724646256b2a1646844df9cdaf21d648a6ef618fcd3',
    );
  });
});
