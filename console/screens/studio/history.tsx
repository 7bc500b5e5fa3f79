// The version history: every published version, the differences between any two, and
// "publish this version again" after a confirmation.
import { useEffect, useState } from 'preact/hooks';
import type { ConfigChange } from '../../../shared/config/changes';
import { call } from '../../api';
import { fill, formatDate, type Locale } from '../../i18n';
import { ChangesTable } from './changes-table';
import type { Published } from './published';
import type { StudioWords } from './words';

interface Version {
  version: number;
  materialVersion: number;
  material: boolean;
  publishedAt: string;
}
interface Diff {
  from: number;
  to: number;
  material: boolean;
  changes: ConfigChange[];
}

interface HistoryProps {
  current: Published;
  w: StudioWords;
  locale: Locale;
  onPublished(published: Published): void;
  fail(error: unknown): void;
}

export function History({ current, w, locale, onPublished, fail }: HistoryProps) {
  const [versions, setVersions] = useState<Version[]>([]);
  const [from, setFrom] = useState(0);
  const [to, setTo] = useState(0);
  const [diff, setDiff] = useState<Diff | null>(null);
  const [asking, setAsking] = useState<number | null>(null);

  useEffect(() => {
    call<{ items: Version[] }>('GET', '/v1/config/versions').then(({ items }) => {
      setVersions(items);
      setTo(items[0]?.version ?? 0);
      setFrom(items[1]?.version ?? items[0]?.version ?? 0);
    }, fail);
  }, [current.version]);

  const compare = async (event: Event) => {
    event.preventDefault();
    try {
      setDiff(await call<Diff>('GET', `/v1/config/diff?from=${from}&to=${to}`));
    } catch (error) {
      fail(error);
    }
  };
  const republish = async (version: number) => {
    try {
      setAsking(null);
      onPublished(await call<Published>('POST', `/v1/config/versions/${version}/republish`));
    } catch (error) {
      fail(error);
    }
  };
  const pick = (set: (n: number) => void) => (event: Event) =>
    set(Number((event.target as HTMLSelectElement).value));
  const options = versions.map((v) => (
    <option key={v.version} value={v.version}>
      {v.version}
    </option>
  ));

  return (
    <section class="stack" aria-labelledby="studio-history">
      <h2 id="studio-history">{w.history}</h2>
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">{w.history}</caption>
          <thead>
            <tr>
              <th scope="col">{w.version}</th>
              <th scope="col">{w.publishedAt}</th>
              <th scope="col">{w.materialColumn}</th>
              <th scope="col">
                <span class="visually-hidden">{w.republish}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version}>
                <th scope="row">
                  {v.version}
                  {v.version === current.version ? ` (${w.current})` : ''}
                </th>
                <td>{formatDate(v.publishedAt, locale)}</td>
                <td>{v.material ? w.yes : w.no}</td>
                <td>
                  {v.version !== current.version && asking !== v.version && (
                    <button type="button" class="secondary" onClick={() => setAsking(v.version)}>
                      {fill(w.republish, { version: v.version })}
                    </button>
                  )}
                  {asking === v.version && (
                    <div
                      class="confirm stack"
                      role="group"
                      aria-label={fill(w.republishConfirm, { version: v.version })}
                    >
                      <p>{fill(w.republishConfirm, { version: v.version })}</p>
                      <div class="actions">
                        <button type="button" class="danger" onClick={() => republish(v.version)}>
                          {w.republishYes}
                        </button>
                        <button type="button" class="secondary" onClick={() => setAsking(null)}>
                          {w.cancel}
                        </button>
                      </div>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {versions.length > 1 && (
        <form class="filters" onSubmit={compare}>
          <div class="field">
            <label for="diff-from">{w.from}</label>
            <select id="diff-from" value={from} onChange={pick(setFrom)}>
              {options}
            </select>
          </div>
          <div class="field">
            <label for="diff-to">{w.to}</label>
            <select id="diff-to" value={to} onChange={pick(setTo)}>
              {options}
            </select>
          </div>
          <button type="submit" class="secondary">
            {w.compare}
          </button>
        </form>
      )}
      {diff &&
        (diff.changes.length === 0 ? (
          <p>{w.noDiff}</p>
        ) : (
          <>
            <ChangesTable
              caption={fill(w.diffTitle, { from: diff.from, to: diff.to })}
              changes={diff.changes}
              w={w}
            />
            <p>
              <strong>{diff.material ? w.material : w.notMaterial}</strong>
            </p>
          </>
        ))}
    </section>
  );
}
