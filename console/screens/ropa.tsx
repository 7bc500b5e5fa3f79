// The register of processing (Art. 30): controller, DPO and the activities with their
// legal basis, recipients and erasure time limits; downloads as JSON, CSV and Markdown;
// and a check of the consent ledger's hash chain with its result.
import { useEffect, useState } from 'preact/hooks';
import { call } from '../api';
import { fill, formatDate } from '../i18n';
import type { ScreenProps } from './types';

interface Ropa {
  generatedAt: string;
  configVersion: number;
  controller: { name: string; contact: string };
  dpo: { name: string; contact: string } | null;
  activities: Array<{
    purpose: string;
    name: string;
    legalBasisArticle: string;
    recipients: string[];
    erasureTimeLimit: string;
  }>;
}

type Report =
  { ok: true; events: number } | { ok: false; events: number; brokenAt: number; reason: string };

export function RopaScreen({ m, locale, announce, fail }: ScreenProps) {
  const [ropa, setRopa] = useState<Ropa | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    call<Ropa>('GET', '/v1/ropa').then(setRopa, fail);
  }, []);
  const verify = async () => {
    setBusy(true);
    try {
      const result = await call<Report>('GET', '/v1/ledger/verify');
      setReport(result);
      announce(
        result.ok
          ? fill(m.ledgerOk, { events: result.events })
          : fill(m.ledgerBroken, { at: result.brokenAt, reason: result.reason }),
      );
    } catch (error) {
      fail(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="stack">
      <p>{m.ropaIntro}</p>
      <div class="actions">
        <a class="button secondary" href="/v1/ropa?format=json" download="register.json">
          {m.downloadJson}
        </a>
        <a class="button secondary" href="/v1/ropa?format=csv" download="register.csv">
          {m.downloadCsvRopa}
        </a>
        <a class="button secondary" href="/v1/ropa?format=md" download="register.md">
          {m.downloadMd}
        </a>
      </div>
      {ropa === null ? (
        <p>{m.loading}</p>
      ) : (
        <>
          <dl class="facts">
            <dt>{m.controller}</dt>
            <dd>
              {ropa.controller.name} ({ropa.controller.contact})
            </dd>
            <dt>{m.dpo}</dt>
            <dd>{ropa.dpo ? `${ropa.dpo.name} (${ropa.dpo.contact})` : m.notDesignated}</dd>
            <dt>{m.colNotice}</dt>
            <dd>
              v{ropa.configVersion} · {formatDate(ropa.generatedAt, locale)}
            </dd>
          </dl>
          <div class="table-wrap">
            <table>
              <caption>{m.activities}</caption>
              <thead>
                <tr>
                  <th scope="col">{m.colPurpose}</th>
                  <th scope="col">{m.colLegalBasis}</th>
                  <th scope="col">{m.colRecipients}</th>
                  <th scope="col">{m.colErasure}</th>
                </tr>
              </thead>
              <tbody>
                {ropa.activities.map((a) => (
                  <tr key={a.purpose}>
                    <td>
                      {a.name}
                      <br />
                      <span class="meta">{a.purpose}</span>
                    </td>
                    <td>{a.legalBasisArticle}</td>
                    <td>{a.recipients.join(', ') || '—'}</td>
                    <td>{a.erasureTimeLimit}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <section aria-labelledby="ledger" class="stack">
        <h2 id="ledger">{m.ledgerTitle}</h2>
        <button type="button" onClick={verify} disabled={busy}>
          {m.verifyLedger}
        </button>
        {report && (
          <p class={report.ok ? 'status' : 'problem'}>
            {report.ok
              ? fill(m.ledgerOk, { events: report.events })
              : fill(m.ledgerBroken, { at: report.brokenAt, reason: report.reason })}
          </p>
        )}
      </section>
    </div>
  );
}
