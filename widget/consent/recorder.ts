// Sends each choice to POST /v1/consents as proof (Art. 7(1), GDPR-04). A choice that cannot be
// sent now (offline, 5xx) stays queued in localStorage and is sent again on the next page load
// or when the browser is back online, with the same clientEventId, so the server stores it once.
//
// localStorage is used only after a choice, for that choice and its receipt: keeping the
// person's own choice is strictly necessary (EP-02).

export interface ConsentEvent {
  key: string;
  visitorId: string;
  decisions: Record<string, boolean>;
  configVersion: number;
  locale: string;
  source: 'banner';
  gpc: boolean;
  clientEventId: string;
}

export interface Recorder {
  record(event: ConsentEvent): Promise<void>;
  /** Sends whatever is still queued, oldest first. */
  flush(): Promise<void>;
  /** The last signed receipt (a compact JWS), if any. */
  receipt(): string | null;
  /** Drops the queue and the receipt: the choice they belong to was erased (Art. 17). */
  forget(): void;
}

const PENDING_KEY = 'akkoord.pending';
const RECEIPT_KEY = 'akkoord.receipt';
const MAX_PENDING = 20;

export function createRecorder(apiBase: string, storage: Storage | null, send: typeof fetch): Recorder {
  let lastReceipt = read(storage, RECEIPT_KEY);
  let flushing: Promise<void> | null = null;

  const flushOnce = async () => {
    for (;;) {
      const [next] = pending(storage);
      if (!next) return;
      const outcome = await post(apiBase, next, send);
      if (outcome === 'retry') return;
      if (typeof outcome === 'string') {
        lastReceipt = outcome;
        write(storage, RECEIPT_KEY, outcome);
      }
      write(storage, PENDING_KEY, JSON.stringify(pending(storage).filter((e) => e.clientEventId !== next.clientEventId)));
    }
  };

  const flush = () => {
    flushing ??= flushOnce().finally(() => (flushing = null));
    return flushing;
  };

  return {
    async record(event) {
      write(storage, PENDING_KEY, JSON.stringify([...pending(storage), event].slice(-MAX_PENDING)));
      // Without storage the queue is lost with the page; still try once.
      if (!storage) await post(apiBase, event, send);
      await flush();
    },
    flush,
    receipt: () => lastReceipt,
    forget() {
      lastReceipt = null;
      for (const key of [PENDING_KEY, RECEIPT_KEY]) remove(storage, key);
    },
  };
}

/** The receipt on success, 'retry' when worth sending again, null when the server refused it. */
async function post(apiBase: string, event: ConsentEvent, send: typeof fetch): Promise<string | 'retry' | null> {
  try {
    const response = await send(`${apiBase}/v1/consents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
      // A choice followed at once by a navigation must still arrive.
      keepalive: true,
      credentials: 'omit',
    });
    if (response.ok) return ((await response.json()) as { receipt?: string }).receipt ?? null;
    // A 4xx other than a timeout or rate limit will fail the same way every time.
    return response.status >= 500 || response.status === 408 || response.status === 429 ? 'retry' : null;
  } catch {
    return 'retry';
  }
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
