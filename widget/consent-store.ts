// The person's current choice on this page: read from the cookie at load, changed only by an
// affirmative action (GDPR-02), written back to the cookie, recorded on the server, and told to
// whoever listens (the gate, Consent Mode, window.akkoord).

import type { WidgetConfig } from './config';
import {
  encodeChoiceCookie,
  LEGACY_COOKIE_NAME,
  parseChoiceCookie,
  readCookieValue,
  serializeCookie,
  type StoredChoice,
} from './consent/cookie';
import { completeDecisions, effectiveConsent, type Decisions } from './consent/decisions';
import { randomId, visitorIdNow } from './consent/random-id';
import type { ConsentEvent, Recorder } from './consent/recorder';
import { needsPrompt } from './consent/reprompt';

export interface ConsentStore {
  /** Every banner purpose → granted?; required purposes always true. */
  consent(): Decisions;
  /** True while there is no valid choice: none yet, a material change, or expired. */
  mustAsk(): boolean;
  /** Whether a valid choice exists at all (cookie written on this device). */
  hasChoice(): boolean;
  /** This browser's visitor id, also from a choice that asks again (expired, material change). */
  visitorId(): string | undefined;
  /** Records a choice for the optional purposes; missing ones are denied. `interaction` says which control made it. */
  decide(changes: Decisions, interaction?: ConsentEvent['interaction']): void;
  /**
   * Takes what the server holds after the preference center changed it (server-sync.ts), without
   * recording it again; null (erased there) forgets the choice and the visitor id.
   */
  adopt(decisions: Decisions | null): void;
  subscribe(listener: (consent: Decisions) => void): () => void;
}

export interface StoreEnvironment {
  doc: Document;
  nowSeconds: () => number;
  locale: string;
  gpc: boolean;
  recorder: () => Recorder;
}

export function createConsentStore(config: WidgetConfig, env: StoreEnvironment): ConsentStore {
  const name = config.cookieName;
  const own = readCookieValue(env.doc.cookie, name);
  // A visitor from before per-tenant names: take the old cookie over once (rewritten below).
  const legacy = own ? undefined : readCookieValue(env.doc.cookie, LEGACY_COOKIE_NAME);
  const stored = parseChoiceCookie(own ?? legacy);
  let choice: StoredChoice | null = needsPrompt(stored, config, env.nowSeconds()) ? null : stored;
  // Kept across re-prompts: the same browser stays the same pseudonymous subject.
  let visitorId = stored?.visitorId;
  const listeners = new Set<(consent: Decisions) => void>();

  const consent = () => effectiveConsent(config.purposes, choice?.decisions ?? {});
  const writeCookie = (value: string, days: number, cookieName = name) => {
    env.doc.cookie = serializeCookie(
      cookieName,
      value,
      days,
      env.doc.location.protocol === 'https:',
    );
  };
  if (legacy) {
    writeCookie(
      legacy,
      Math.max(0, (stored?.madeAt ?? 0) + config.consentTtlDays * 86400 - env.nowSeconds()) / 86400,
    );
    writeCookie('', 0, LEGACY_COOKIE_NAME);
  }
  const tell = () => {
    const current = consent();
    for (const listener of listeners) listener(current);
  };

  return {
    consent,
    mustAsk: () => choice === null,
    hasChoice: () => choice !== null,
    visitorId: () => choice?.visitorId ?? visitorId,
    decide(changes, interaction = 'save_choices') {
      const decisions = completeDecisions(config.purposes, choice?.decisions ?? {}, changes);
      choice = {
        visitorId: choice?.visitorId ?? visitorId ?? visitorIdNow(),
        configVersion: config.configVersion,
        materialVersion: config.materialVersion,
        madeAt: env.nowSeconds(),
        decisions,
        gpc: env.gpc,
      };
      writeCookie(encodeChoiceCookie(choice), config.consentTtlDays);
      void env.recorder().record({
        key: config.publicKey,
        visitorId: choice.visitorId,
        decisions,
        configVersion: config.configVersion,
        locale: env.locale,
        source: interaction == 'placeholder' ? interaction : 'banner',
        interaction,
        gpc: env.gpc,
        clientEventId: randomId('ce_'),
      });
      tell();
    },
    adopt(decisions) {
      if (!decisions) {
        choice = null;
        visitorId = undefined;
        writeCookie('', 0);
      } else if (choice) {
        choice = { ...choice, decisions: completeDecisions(config.purposes, {}, decisions) };
        writeCookie(encodeChoiceCookie(choice), config.consentTtlDays);
      } else return;
      tell();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
