// Shown in a session opened by a tool's link or the banner's visitor link: what such a
// link allows (consents, unsubscribing, objecting), why more needs proof, and the button
// that mails a one-time confirmation link to the address on file.
import { useState } from 'preact/hooks';
import { ApiFailure, call } from '../api';
import { fill } from '../i18n';
import type { ScreenProps } from './types';

export function StepUp(props: ScreenProps) {
  const { m, locale, page, me } = props;
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const tenant = page.tenantName;

  const ask = async () => {
    setBusy(true);
    try {
      await call('POST /v1/me/step-up', undefined, { locale });
      setSent(true);
      props.announce(m.stepUpSent);
    } catch (error) {
      if (error instanceof ApiFailure && error.code === 'NO_ADDRESS_ON_FILE')
        return props.announce(
          fill(m.stepUpNoAddress, { tenant, contact: page.controller.contact }),
        );
      props.fail(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="confirm" role="group" aria-labelledby="step-up-title">
      <h3 id="step-up-title">{m.assuranceTitle}</h3>
      <p>{fill(m.assuranceIntro, { tenant })}</p>
      {me.canStepUp ? (
        <>
          <p>{fill(m.assuranceMore, { tenant })}</p>
          {sent ? (
            <p>{m.stepUpSent}</p>
          ) : (
            <p>
              <button type="button" disabled={busy} onClick={ask}>
                {m.stepUp}
              </button>
            </p>
          )}
        </>
      ) : (
        <p>{fill(m.stepUpNoAddress, { tenant, contact: page.controller.contact })}</p>
      )}
    </div>
  );
}
