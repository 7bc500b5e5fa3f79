// The person's requests with status, when received and when the answer is due
// (Art. 12(3): one month); for an erasure, what a law kept and until when (Art. 17(3)(b)).
import { useEffect, useState } from 'preact/hooks';
import { call, type RequestItem } from '../api';
import { fill, formatDate, keptText, labelOf } from '../i18n';
import type { ScreenProps } from './types';

/** The records an erasure left because a law keeps them, from the request's outcome. */
const keptOf = (r: RequestItem): Array<{ dataset: string; basis: string; until: string }> =>
  Array.isArray(r.outcome?.kept) ? (r.outcome.kept as []) : [];

export function Requests(props: ScreenProps) {
  const { m, locale } = props;
  const [requests, setRequests] = useState<RequestItem[] | null>(null);
  useEffect(() => {
    call('GET /v1/me/requests').then((r) => setRequests(r.requests), props.fail);
  }, [props.me]);
  if (requests === null) return null;
  return (
    <div>
      <p>{m.requestsIntro}</p>
      {requests.length === 0 ? (
        <p>{m.requestsEmpty}</p>
      ) : (
        // Not a region of its own: the section is already named "requests", and on a phone the rows stack.
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{m.colType}</th>
                <th scope="col">{m.colStatus}</th>
                <th scope="col">{m.colReceived}</th>
                <th scope="col">{m.colDue}</th>
                <th scope="col">{m.colCompleted}</th>
              </tr>
            </thead>
            <tbody>
              {requests.map((r) => (
                <tr key={r.id}>
                  <td data-label={m.colType}>{labelOf(m, 'type', r.type)}</td>
                  <td data-label={m.colStatus}>{labelOf(m, 'reqstatus', r.status)}</td>
                  <td data-label={m.colReceived}>{formatDate(r.receivedAt, locale)}</td>
                  <td data-label={m.colDue}>{formatDate(r.dueAt, locale, false)}</td>
                  <td data-label={m.colCompleted}>
                    {formatDate(r.completedAt, locale) || '–'}
                    {keptOf(r).length > 0 ? (
                      <p>
                        {fill(m.keptAfterErasure, {
                          items: keptOf(r)
                            .map((k) => keptText(m, locale, k))
                            .join('; '),
                        })}
                      </p>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
