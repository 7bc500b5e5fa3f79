// A scripted run of 300 banner choices of known kinds through POST /v1/consents, and the
// counts the insights must show for it: the server tests and the console test share it.
import crypto from 'node:crypto';

export interface ScriptedChoice {
  visitorId: string;
  decisions: Record<string, boolean>;
  interaction: 'accept_all' | 'reject_all' | 'save_choices' | 'script';
  gpc: boolean;
  locale: 'nl' | 'en';
}

const visitor = () => `v_${crypto.randomBytes(16).toString('base64url')}`;
const all = { necessary: true, analytics: true, ads: true };
const none = { necessary: true, analytics: false, ads: false };

/**
 * 100 accept all, 60 reject all, 20 reject all by visitors who had accepted (withdrawals),
 * 50 saved own choices (analytics only), 40 acceptAll() by the site's script, 30 accept all
 * under Global Privacy Control in English (the marketing purpose stays denied): 300 choices.
 */
export function scriptedChoices(): ScriptedChoice[] {
  const accepted = Array.from({ length: 100 }, (): ScriptedChoice => ({
    visitorId: visitor(),
    decisions: all,
    interaction: 'accept_all',
    gpc: false,
    locale: 'nl',
  }));
  return [
    ...accepted,
    ...Array.from({ length: 60 }, (): ScriptedChoice => ({
      visitorId: visitor(),
      decisions: none,
      interaction: 'reject_all',
      gpc: false,
      locale: 'nl',
    })),
    ...accepted
      .slice(0, 20)
      .map((a): ScriptedChoice => ({ ...a, decisions: none, interaction: 'reject_all' })),
    ...Array.from({ length: 50 }, (): ScriptedChoice => ({
      visitorId: visitor(),
      decisions: { necessary: true, analytics: true, ads: false },
      interaction: 'save_choices',
      gpc: false,
      locale: 'nl',
    })),
    ...Array.from({ length: 40 }, (): ScriptedChoice => ({
      visitorId: visitor(),
      decisions: all,
      interaction: 'script',
      gpc: false,
      locale: 'nl',
    })),
    ...Array.from({ length: 30 }, (): ScriptedChoice => ({
      visitorId: visitor(),
      decisions: { necessary: true, analytics: true, ads: false },
      interaction: 'accept_all',
      gpc: true,
      locale: 'en',
    })),
  ];
}

/** What the insights must count for scriptedChoices(). */
export const scriptedCounts = {
  choices: {
    total: 300,
    accept_all: 130,
    reject_all: 80,
    save_choices: 50,
    placeholder: 0,
    script: 40,
    other: 0,
    gpc: 30,
  },
  purposes: {
    necessary: { granted: 280, denied: 0, withdrawn: 0, expired: 0, objected: 0 },
    analytics: { granted: 220, denied: 60, withdrawn: 20, expired: 0, objected: 0 },
    ads: { granted: 140, denied: 140, withdrawn: 20, expired: 0, objected: 0 },
  },
  byLocale: { nl: 270, en: 30 },
};

/**
 * On a configuration with the purpose `fraud` on legitimate interest (li-config.ts): 12 visitors
 * object to it while refusing the rest, 8 leave it on and accept all.
 */
export function scriptedObjections(): ScriptedChoice[] {
  const base = { necessary: true, analytics: false, ads: false };
  return [
    ...Array.from({ length: 12 }, (): ScriptedChoice => ({
      visitorId: visitor(),
      decisions: { ...base, fraud: false },
      interaction: 'save_choices',
      gpc: false,
      locale: 'nl',
    })),
    ...Array.from({ length: 8 }, (): ScriptedChoice => ({
      visitorId: visitor(),
      decisions: { necessary: true, analytics: true, ads: true, fraud: true },
      interaction: 'accept_all',
      gpc: false,
      locale: 'nl',
    })),
  ];
}

/** What the insights must count per purpose for scriptedObjections(). */
export const objectionCounts = {
  necessary: { granted: 20, denied: 0, withdrawn: 0, expired: 0, objected: 0 },
  analytics: { granted: 8, denied: 12, withdrawn: 0, expired: 0, objected: 0 },
  ads: { granted: 8, denied: 12, withdrawn: 0, expired: 0, objected: 0 },
  // Leaving a legitimate-interest purpose on records nothing: only the objection is an event.
  fraud: { granted: 0, denied: 0, withdrawn: 0, expired: 0, objected: 12 },
};

/** Sends the choices in order, a few at a time; throws on any answer but 201. */
export async function sendChoices(
  post: (body: unknown) => Promise<Response>,
  publicKey: string,
  choices: ScriptedChoice[],
  configVersion = 1,
): Promise<void> {
  // The 20 withdrawals come after the accepts they withdraw: sent in order, in small groups.
  for (let i = 0; i < choices.length; i += 10) {
    await Promise.all(
      choices.slice(i, i + 10).map(async (c) => {
        const response = await post({
          key: publicKey,
          visitorId: c.visitorId,
          decisions: c.decisions,
          configVersion,
          locale: c.locale,
          gpc: c.gpc,
          interaction: c.interaction,
          clientEventId: `ce_${crypto.randomBytes(12).toString('hex')}`,
        });
        if (response.status !== 201)
          throw new Error(`choice refused: ${response.status} ${await response.text()}`);
      }),
    );
  }
}
