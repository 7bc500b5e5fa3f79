// Webhooks: add a receiver for feed events (its signing secret shown once), list,
// pause, resume and delete them, read each one's deliveries with every attempt, status
// and time, and send a delivery again.
import { useEffect, useState } from 'preact/hooks';
import { call } from '../api';
import { fill, formatDate, labelOf } from '../i18n';
import type { ScreenProps } from './types';

/** The feed's event types (shared/schemas/feed.ts), listed here so the bundle needs no schema library. */
const TYPES = [
  'consent.updated',
  'subject.restricted',
  'subject.restriction_lifted',
  'subject.objected',
  'subject.rectified',
  'subject.data_erased',
  'subject.erased',
] as const;

interface Webhook {
  id: string;
  url: string;
  types: string[];
  createdAt: string;
  paused: boolean;
}
interface Delivery {
  id: string;
  eventType: string;
  status: string;
  attemptCount: number;
  createdAt: string;
  deliveredAt: string | null;
  attempts: Array<{
    attempt: number;
    attemptedAt: string;
    statusCode: number | null;
    error: string | null;
  }>;
}

export function Webhooks({ m, locale, announce, fail }: ScreenProps) {
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState<string[]>([]);
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<{ hook: Webhook; deliveries: Delivery[] } | null>(null);

  const load = async () => {
    try {
      setHooks((await call<{ webhooks: Webhook[] }>('GET', '/v1/webhooks')).webhooks);
    } catch (error) {
      fail(error);
    }
  };
  useEffect(() => void load(), []);

  const create = async (event: Event) => {
    event.preventDefault();
    try {
      const created = await call<{ secret: string }>('POST', '/v1/webhooks', { url, types });
      setSecret(created.secret);
      setUrl('');
      setTypes([]);
      await load();
    } catch (error) {
      fail(error);
    }
  };
  const remove = async (hook: Webhook) => {
    try {
      await call('DELETE', `/v1/webhooks/${encodeURIComponent(hook.id)}`);
      if (open?.hook.id === hook.id) setOpen(null);
      announce(m.webhookDeleted);
      await load();
    } catch (error) {
      fail(error);
    }
  };
  const setPaused = async (hook: Webhook, paused: boolean) => {
    try {
      await call('PATCH', `/v1/webhooks/${encodeURIComponent(hook.id)}`, { paused });
      announce(paused ? m.webhookPaused : m.webhookResumed);
      await load();
    } catch (error) {
      fail(error);
    }
  };
  const again = async (hook: Webhook, delivery: Delivery) => {
    try {
      await call(
        'POST',
        `/v1/webhooks/${encodeURIComponent(hook.id)}/deliveries/${encodeURIComponent(delivery.id)}/redeliver`,
      );
      announce(fill(m.redeliveryQueued, { id: delivery.id }));
      await deliveries(hook);
    } catch (error) {
      fail(error);
    }
  };
  const deliveries = async (hook: Webhook) => {
    try {
      setOpen({
        hook,
        deliveries: (
          await call<{ deliveries: Delivery[] }>(
            'GET',
            `/v1/webhooks/${encodeURIComponent(hook.id)}/deliveries?limit=50`,
          )
        ).deliveries,
      });
    } catch (error) {
      fail(error);
    }
  };

  return (
    <div class="stack">
      {hooks === null ? (
        <p>{m.loading}</p>
      ) : (
        hooks.length > 0 && (
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">{m.navWebhooks}</caption>
              <thead>
                <tr>
                  <th scope="col">{m.webhookUrl}</th>
                  <th scope="col">{m.colEvent}</th>
                  <th scope="col">{m.colCreated}</th>
                  <th scope="col">{m.colActions}</th>
                </tr>
              </thead>
              <tbody>
                {hooks.map((h) => (
                  <tr key={h.id}>
                    <td>
                      <code class="details">{h.url}</code>
                      {h.paused && (
                        <>
                          <br />
                          <span class="meta">{m.pausedNote}</span>
                        </>
                      )}
                    </td>
                    <td>{h.types.length ? h.types.join(', ') : m.allTypes}</td>
                    <td>{formatDate(h.createdAt, locale)}</td>
                    <td>
                      <div class="actions">
                        <button
                          type="button"
                          class="secondary"
                          aria-label={`${m.showDeliveries}: ${h.url}`}
                          onClick={() => deliveries(h)}
                        >
                          {m.showDeliveries}
                        </button>
                        <button
                          type="button"
                          class="secondary"
                          aria-label={`${h.paused ? m.resume : m.pause}: ${h.url}`}
                          onClick={() => setPaused(h, !h.paused)}
                        >
                          {h.paused ? m.resume : m.pause}
                        </button>
                        <button
                          type="button"
                          class="secondary"
                          aria-label={`${m.deleteWebhook}: ${h.url}`}
                          onClick={() => remove(h)}
                        >
                          {m.deleteWebhook}
                        </button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      )}
      {open && (
        <section aria-labelledby="deliveries" class="stack">
          <h2 id="deliveries">{fill(m.deliveriesOf, { url: open.hook.url })}</h2>
          {open.deliveries.length === 0 ? (
            <p>{m.noDeliveries}</p>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{m.colEvent}</th>
                    <th scope="col">{m.colStatus}</th>
                    <th scope="col">{m.colAttempts}</th>
                    <th scope="col">{m.colCreated}</th>
                    <th scope="col">{m.colActions}</th>
                  </tr>
                </thead>
                <tbody>
                  {open.deliveries.map((d) => (
                    <tr key={d.id}>
                      <td>
                        {d.eventType}
                        <br />
                        <span class="meta">{d.id}</span>
                      </td>
                      <td>{labelOf(m, 'delivery', d.status)}</td>
                      <td>
                        <ul>
                          {d.attempts.map((a) => (
                            <li key={a.attempt}>
                              {formatDate(a.attemptedAt, locale)}: {a.statusCode ?? a.error ?? '—'}
                            </li>
                          ))}
                        </ul>
                      </td>
                      <td>{formatDate(d.createdAt, locale)}</td>
                      <td>
                        {d.status !== 'pending' && (
                          <button
                            type="button"
                            class="secondary"
                            aria-label={`${m.redeliver}: ${d.id}`}
                            onClick={() => again(open.hook, d)}
                          >
                            {m.redeliver}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
      <form class="stack" onSubmit={create} aria-labelledby="create-webhook">
        <h2 id="create-webhook">{m.createWebhook}</h2>
        <div class="field">
          <label for="webhook-url">{m.webhookUrl}</label>
          <input
            id="webhook-url"
            type="url"
            required
            maxLength={2000}
            value={url}
            onInput={(e) => setUrl((e.target as HTMLInputElement).value)}
          />
        </div>
        <fieldset>
          <legend>{m.webhookTypes}</legend>
          {TYPES.map((type) => (
            <div class="choice" key={type}>
              <input
                id={`type-${type}`}
                type="checkbox"
                checked={types.includes(type)}
                onChange={(e) =>
                  setTypes(
                    (e.target as HTMLInputElement).checked
                      ? [...types, type]
                      : types.filter((t) => t !== type),
                  )
                }
              />
              <label for={`type-${type}`}>{type}</label>
            </div>
          ))}
        </fieldset>
        <button type="submit">{m.createWebhook}</button>
      </form>
      {secret && (
        <div class="secret" role="region" aria-label={m.webhookSecret}>
          <p>{m.webhookSecret}</p>
          <p>
            <code>{secret}</code>
          </p>
        </div>
      )}
    </div>
  );
}
