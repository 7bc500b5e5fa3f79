// The person's requests with status, when received and when the answer is due
// (Art. 12(3): one month).
import { useEffect, useState } from 'preact/hooks';
import { call, type RequestItem } from '../api';
import { formatDate, labelOf } from '../i18n';
import type { ScreenProps } from './types';

export function Requests(props: ScreenProps) {
  const { m, locale } = props;
  const [requests, setRequests] = useState<RequestItem[] | null>(null);
  useEffect(() => {
    call<{ requests: RequestItem[] }>('GET', '/v1/me/requests').then((r) => setRequests(r.requests), props.fail);
  }, [props.me]);
  if (requests === null) return null;
  return (
    <div>
      <p>{m.requestsIntro}</p>
      {requests.length === 0 ? <p>{m.requestsEmpty}</p> : (
        <div class="table-wrap" role="region" aria-label={m.requestsTitle} tabIndex={0}>
          <table>
            <thead><tr><th scope="col">{m.colType}</th><th scope="col">{m.colStatus}</th><th scope="col">{m.colReceived}</th><th scope="col">{m.colDue}</th><th scope="col">{m.colCompleted}</th></tr></thead>
            <tbody>
              {requests.map((r) => (
                <tr key={r.id}>
                  <td>{labelOf(m, 'type', r.type)}</td>
                  <td>{labelOf(m, 'reqstatus', r.status)}</td>
                  <td>{formatDate(r.receivedAt, locale)}</td>
                  <td>{formatDate(r.dueAt, locale, false)}</td>
                  <td>{formatDate(r.completedAt, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
