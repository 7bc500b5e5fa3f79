// Restriction (Art. 18) with its ground, lifting it with what happens next (18(3)),
// and an objection to all direct marketing (Art. 21(2)-(3)).
import { useState } from 'preact/hooks';
import { call } from '../api';
import { fill, formatDate, labelOf } from '../i18n';
import type { ScreenProps } from './types';

const REASONS = ['accuracy_contested', 'unlawful_processing', 'legal_claims', 'pending_objection'] as const;

export function Rights(props: ScreenProps) {
  const { m, locale, page, me } = props;
  const [reason, setReason] = useState<string>(REASONS[0]);
  const [busy, setBusy] = useState(false);
  const tenant = page.tenantName;

  const act = async (method: string, path: string, body: unknown, done: string) => {
    setBusy(true);
    try {
      await call(method, path, body);
      await props.reload();
      props.announce(done);
    } catch (error) {
      props.fail(error);
    } finally {
      setBusy(false);
    }
  };

  const { restricted } = me.subject.restriction;
  return (
    <div>
      <h3>{m.restrictTitle}</h3>
      <p>{fill(m.restrictIntro, { tenant })}</p>
      {restricted ? (
        <div class="stack">
          <p><strong>{m.restricted}</strong> {me.subject.restriction.reason ? labelOf(m, 'reason', me.subject.restriction.reason) : ''}</p>
          <p>{fill(m.liftIntro, { tenant })}</p>
          <p><button type="button" disabled={busy} onClick={() => act('DELETE', '/v1/me/restriction', undefined, fill(m.lifted, { tenant }))}>{m.lift}</button></p>
        </div>
      ) : (
        <form class="stack" onSubmit={(e) => { e.preventDefault(); void act('POST', '/v1/me/restriction', { reason }, m.restricted); }}>
          <fieldset>
            <legend>{m.restrictReason}</legend>
            {REASONS.map((r) => (
              <div class="choice" key={r}>
                <input type="radio" id={`reason-${r}`} name="reason" value={r} checked={reason === r} onChange={() => setReason(r)} />
                <label for={`reason-${r}`}>{labelOf(m, 'reason', r)}</label>
              </div>
            ))}
          </fieldset>
          <button type="submit" disabled={busy}>{m.restrict}</button>
        </form>
      )}
      <h3>{m.objectTitle}</h3>
      {me.subject.objection.objectedAt ? (
        <p>{fill(m.objected, { date: formatDate(me.subject.objection.objectedAt, locale, false) })}</p>
      ) : (
        <div class="stack">
          <p>{m.objectIntro}</p>
          <p><button type="button" disabled={busy} onClick={() => act('POST', '/v1/me/objection', undefined, m.objectDone)}>{m.object}</button></p>
        </div>
      )}
    </div>
  );
}
