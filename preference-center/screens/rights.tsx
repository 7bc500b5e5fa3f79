// Restriction (Art. 18) with its ground, lifting it with what happens next (18(3)),
// and an objection to all direct marketing (Art. 21(2)-(3)), with the person's reason if they give one.
import { useRef, useState } from 'preact/hooks';
import { call, type Endpoints } from '../api';
import { fill, formatDate, labelOf } from '../i18n';
import type { ScreenProps } from './types';

type Reason = Endpoints['POST /v1/me/restriction'][0]['reason'];

/** The grounds in the order the page lists them; the compiler holds them to the server's list. */
const REASONS = [
  'accuracy_contested',
  'unlawful_processing',
  'legal_claims',
  'pending_objection',
] as const satisfies readonly Reason[];

export function Rights(props: ScreenProps) {
  const { m, locale, page, me } = props;
  const [reason, setReason] = useState<Reason>(REASONS[0]);
  const [busy, setBusy] = useState(false);
  const why = useRef<HTMLTextAreaElement>(null);
  const tenant = page.tenantName;

  const act = async <
    E extends 'POST /v1/me/restriction' | 'DELETE /v1/me/restriction' | 'POST /v1/me/objection',
  >(
    endpoint: E,
    body: Endpoints[E][0],
    done: string,
  ) => {
    setBusy(true);
    try {
      await call(endpoint, body);
      await props.reload();
      props.announce(done);
    } catch (error) {
      props.fail(error);
    } finally {
      setBusy(false);
    }
  };

  const { restricted } = me.subject.restriction;
  // A link session may object, but restricting (or lifting it) waits for the mailed confirmation.
  const confirmed = me.session.assurance === 'high';
  return (
    <div>
      <h3>{m.restrictTitle}</h3>
      <p>{fill(m.restrictIntro, { tenant })}</p>
      {!confirmed ? (
        <p>{m.stepUpNeeded}</p>
      ) : restricted ? (
        <div class="stack">
          <p>
            <strong>{m.restricted}</strong>{' '}
            {me.subject.restriction.reason
              ? labelOf(m, 'reason', me.subject.restriction.reason)
              : ''}
          </p>
          <p>{fill(m.liftIntro, { tenant })}</p>
          <p>
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                act('DELETE /v1/me/restriction', undefined, fill(m.lifted, { tenant }))
              }
            >
              {m.lift}
            </button>
          </p>
        </div>
      ) : (
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void act('POST /v1/me/restriction', { reason }, m.restricted);
          }}
        >
          <fieldset>
            <legend>{m.restrictReason}</legend>
            {REASONS.map((r) => (
              <div class="choice" key={r}>
                <input
                  type="radio"
                  id={`reason-${r}`}
                  name="reason"
                  value={r}
                  checked={reason === r}
                  onChange={() => setReason(r)}
                />
                <label for={`reason-${r}`}>{labelOf(m, 'reason', r)}</label>
              </div>
            ))}
          </fieldset>
          <button type="submit" disabled={busy}>
            {m.restrict}
          </button>
        </form>
      )}
      <h3>{m.objectTitle}</h3>
      {me.subject.objection.objectedAt ? (
        <p>
          {fill(m.objected, { date: formatDate(me.subject.objection.objectedAt, locale, false) })}
        </p>
      ) : (
        <div class="stack">
          <p>{m.objectIntro}</p>
          <label for="object-reason">{m.objectReason}</label>
          <textarea id="object-reason" ref={why} maxLength={2000} />
          <p>
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                act('POST /v1/me/objection', { reason: why.current!.value }, m.objectDone)
              }
            >
              {m.object}
            </button>
          </p>
        </div>
      )}
    </div>
  );
}
