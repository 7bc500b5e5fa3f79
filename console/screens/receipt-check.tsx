// Checking a consent receipt a person sent as proof: the server verifies its signature
// against the keys it publishes (/.well-known/jwks.json) and finds its event in the ledger.
import { useState } from 'preact/hooks';
import { call } from '../api';
import { formatDate, type Locale, type Messages } from '../i18n';

interface Check {
  signatureValid: boolean;
  kid: string | null;
  tenantMatches: boolean;
  ledgerMatches: boolean;
  payload: { consentId: string; iat: number; state: Record<string, unknown> } | null;
}

export function ReceiptCheck({
  m,
  locale,
  announce,
  fail,
}: {
  m: Messages;
  locale: Locale;
  announce(text: string): void;
  fail(error: unknown): void;
}) {
  const [receipt, setReceipt] = useState('');
  const [result, setResult] = useState<Check | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      setResult(await call<Check>('POST', '/v1/receipts/verify', { receipt: receipt.trim() }));
      announce(m.receiptChecked);
    } catch (error) {
      fail(error);
    }
  };
  const yesNo = (value: boolean) => (value ? m.yes : m.no);
  return (
    <section class="stack" aria-labelledby="receipt-check">
      <h2 id="receipt-check">{m.receiptTitle}</h2>
      <form class="stack" onSubmit={submit}>
        <div class="field">
          <label for="receipt-text">{m.receiptLabel}</label>
          <textarea
            id="receipt-text"
            required
            rows={3}
            maxLength={20000}
            value={receipt}
            onInput={(e) => setReceipt((e.target as HTMLTextAreaElement).value)}
          />
        </div>
        <button type="submit">{m.receiptVerify}</button>
      </form>
      {result && (
        <dl class="facts" aria-label={m.receiptTitle}>
          <dt>{m.receiptSignature}</dt>
          <dd>{yesNo(result.signatureValid)}</dd>
          <dt>{m.receiptKey}</dt>
          <dd>
            <code>{result.kid ?? '—'}</code>
          </dd>
          <dt>{m.receiptTenant}</dt>
          <dd>{yesNo(result.tenantMatches)}</dd>
          <dt>{m.receiptLedger}</dt>
          <dd>{yesNo(result.ledgerMatches)}</dd>
          {result.payload && (
            <>
              <dt>{m.receiptConsent}</dt>
              <dd>
                <code>{result.payload.consentId}</code> ·{' '}
                {formatDate(new Date(result.payload.iat * 1000).toISOString(), locale)}
              </dd>
              <dt>{m.receiptState}</dt>
              <dd>
                <code class="details">{JSON.stringify(result.payload.state)}</code>
              </dd>
            </>
          )}
        </dl>
      )}
    </section>
  );
}
