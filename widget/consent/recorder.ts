// Sends each choice to POST /v1/consents as proof (Art. 7(1), GDPR-04). A choice that cannot be
// sent now (offline, 5xx, a rate limit, or a refusal the site's owner can fix: an origin not
// allowed, an unknown key) stays queued in localStorage and is sent again with backoff while the
// page is open, on the next page load and when the browser is back online, with the same
// clientEventId, so the server stores it once. After GIVE_UP_MS it is dropped. Every refusal is
// reported to onProblem, which tells the site (main.ts: console.warn and `akkoord:error`).
//
// localStorage is used only after a choice, for that choice and its receipt: keeping the
// person's own choice is strictly necessary (EP-02).

// Type-only: the request and answer shapes come from the server's schemas and cost the bundle nothing.
import type * as v from 'valibot';
import type { RecordConsentBody, RecordConsentResponse } from '../../shared/schemas/consents.js';

type RecordBody = v.InferInput<typeof RecordConsentBody>;

/** The body of POST /v1/consents as the banner sends it: every field given, website purposes only. */
export type ConsentEvent = Required<Omit<RecordBody, 'decisions' | 'source'>> & {
  decisions: Record<string, boolean>;
  /** `placeholder`: granted with the button on a gated element's placeholder. */
  source: Extract<RecordBody['source'], 'banner' | 'placeholder'>;
  /** When it was queued (ms since the epoch); kept in the queue, not sent. */
  queuedAt?: number;
};

/** Why a choice was not recorded (yet): the API's error code, or GAVE_UP. */
export interface RecordProblem {
  code: string;
  status: number;
  message: string;
  /** Whether the choice stays queued and is sent again. */
  retry: boolean;
}

export interface RecorderOptions {
  onProblem?(problem: RecordProblem): void;
  now?(): number;
  schedule?(retry: () => void, ms: number): void;
}

export interface Recorder {
  record(event: ConsentEvent): Promise<void>;
  /** Sends whatever is still queued, oldest first. */
  flush(): Promise<void>;
  /** The last signed receipt (a compact JWS), if any. */
  receipt(): string | null;
  /** Drops the queue and the receipt: the choice they belong to was erased (Art. 17). */
  forget(): void;
  /** Resolves when no send is in flight (without starting one). */
  idle(): Promise<void>;
  /** Choices still queued, and why the last attempt failed (null after a success). */
  status(): { pending: number; error: RecordProblem | null };
}

const PENDING_KEY = 'akkoord.pending';
const RECEIPT_KEY = 'akkoord.receipt';
const MAX_PENDING = 20;
/** A choice not recorded within a week is dropped: the cookie still holds it, the proof is lost. */
export const GIVE_UP_MS = 7 * 864e5;
const MAX_BACKOFF_MS = 6e4;

export function createRecorder(
  apiBase: string,
  storage: Storage | null,
  send: typeof fetch,
  options: RecorderOptions = {},
): Recorder {
  const now = options.now ?? Date.now;
  const schedule = options.schedule ?? ((retry, ms) => setTimeout(retry, ms));
  let lastReceipt = read(storage, RECEIPT_KEY);
  let flushing: Promise<void> | null = null;
  let backoff = 2e3;
  let retrying = false;
  let lastError: RecordProblem | null = null;
  const report = (problem: RecordProblem) => {
    lastError = problem;
    if (problem.code !== 'NETWORK') options.onProblem?.(problem);
  };

  const drop = (id: string) =>
    write(
      storage,
      PENDING_KEY,
      JSON.stringify(pending(storage).filter((e) => e.clientEventId !== id)),
    );

  const flushOnce = async () => {
    for (;;) {
      const [next] = pending(storage);
      if (!next) return;
      if (now() - (next.queuedAt ?? now()) > GIVE_UP_MS) {
        drop(next.clientEventId);
        report({
          code: 'GAVE_UP',
          status: 0,
          message: 'not recorded for 7 days: dropped',
          retry: false,
        });
        continue;
      }
      const outcome = await post(apiBase, next, send);
      if (typeof outcome === 'object' && outcome) {
        report(outcome);
        if (outcome.retry) {
          if (!retrying) {
            retrying = true;
            schedule(() => {
              retrying = false;
              void flush();
            }, backoff);
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
          }
          return;
        }
      } else {
        lastError = null;
        backoff = 2e3;
        if (outcome) write(storage, RECEIPT_KEY, (lastReceipt = outcome));
      }
      drop(next.clientEventId);
    }
  };

  const flush = () => {
    flushing ??= flushOnce().finally(() => (flushing = null));
    return flushing;
  };

  return {
    async record(event) {
      event = { ...event, queuedAt: now() };
      write(storage, PENDING_KEY, JSON.stringify([...pending(storage), event].slice(-MAX_PENDING)));
      // Without storage the queue is lost with the page; still try once.
      if (!storage) await post(apiBase, event, send);
      await flush();
    },
    flush,
    receipt: () => lastReceipt,
    idle: () => flushing ?? Promise.resolve(),
    status: () => ({ pending: pending(storage).length, error: lastError }),
    forget() {
      lastReceipt = null;
      for (const key of [PENDING_KEY, RECEIPT_KEY]) remove(storage, key);
    },
  };
}

type Outcome = string | null | RecordProblem;

/** The receipt (or null) on success, else the problem and whether sending again may help. */
async function post(
  apiBase: string,
  { queuedAt: _, ...event }: ConsentEvent,
  send: typeof fetch,
): Promise<Outcome> {
  let response: Response;
  try {
    response = await send(`${apiBase}/v1/consents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
      // A choice followed at once by a navigation must still arrive.
      keepalive: true,
      credentials: 'omit',
    });
  } catch {
    // No answer: offline, no problem worth a warning (and the server answers every refusal readably).
    return { code: 'NETWORK', status: 0, message: 'no answer', retry: true };
  }
  const { status } = response;
  const body = (await response.json().catch(() => ({}))) as Partial<
    v.InferOutput<typeof RecordConsentResponse>
  > & { error?: { code: string; message: string } };
  if (response.ok) return body.receipt ?? null;
  // A 5xx, a timeout, a rate limit, or what the site's owner can fix (the origin, the key): send
  // again. Any other 4xx will fail the same way every time.
  const retry =
    status >= 500 || status === 408 || status === 429 || status === 401 || status === 403;
  return {
    code: body.error?.code ?? 'INTERNAL',
    status,
    message: body.error?.message ?? '',
    retry,
  };
}

function pending(storage: Storage | null): ConsentEvent[] {
  try {
    const parsed: unknown = JSON.parse(read(storage, PENDING_KEY) ?? '[]');
    return Array.isArray(parsed) ? (parsed as ConsentEvent[]) : [];
  } catch {
    return [];
  }
}

function read(storage: Storage | null, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function write(storage: Storage | null, key: string, value: string): void {
  try {
    storage?.setItem(key, value);
  } catch {
    // Storage full or blocked: the choice still applies on this page.
  }
}

function remove(storage: Storage | null, key: string): void {
  try {
    storage?.removeItem(key);
  } catch {
    // Blocked storage holds nothing to remove.
  }
}
