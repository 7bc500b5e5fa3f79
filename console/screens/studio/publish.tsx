// Publishing the draft: what changes against the published version, whether every visitor is
// asked again (the server's own materiality rule), and an explicit confirmation.
import { useState } from 'preact/hooks';
import { diffConfigs, isMaterialChange } from '../../../shared/config/changes';
import { ApiFailure, call } from '../../api';
import { fill } from '../../i18n';
import { ChangesTable } from './changes-table';
import type { Draft } from './draft';
import type { Published } from './published';
import type { StudioWords } from './words';

interface PublishProps {
  draft: Draft;
  current: Published;
  problems: number;
  w: StudioWords;
  setDraft(draft: Draft): void;
  onPublished(published: Published): void;
  fail(error: unknown): void;
}

export function Publish({
  draft,
  current,
  problems,
  w,
  setDraft,
  onPublished,
  fail,
}: PublishProps) {
  const [confirmed, setConfirmed] = useState(false);
  const [refusal, setRefusal] = useState('');
  const changes = diffConfigs(current.config, draft);
  const material = isMaterialChange(current.config, draft, draft.material);
  const next = current.version + 1;

  const publish = async (event: Event) => {
    event.preventDefault();
    try {
      setRefusal('');
      const published = await call<Published>('PUT', '/v1/config', draft);
      setConfirmed(false);
      onPublished(published);
    } catch (error) {
      if (error instanceof ApiFailure && (error.status === 400 || error.status === 422))
        setRefusal(fill(w.refused, { message: error.message }));
      else fail(error);
    }
  };

  return (
    <section class="stack" aria-labelledby="studio-publish">
      <h2 id="studio-publish">{w.publish}</h2>
      {changes.length === 0 ? (
        <p>{fill(w.noChanges, { version: current.version })}</p>
      ) : (
        <form class="stack" onSubmit={publish}>
          <ChangesTable caption={w.changes} changes={changes} w={w} />
          <p class={material ? 'material' : 'meta'}>
            <strong>{material ? w.material : w.notMaterial}</strong>
          </p>
          <div class="choice">
            <input
              type="checkbox"
              id="studio-correction"
              checked={draft.material === false}
              onChange={(e) =>
                setDraft({
                  ...draft,
                  material: (e.target as HTMLInputElement).checked ? false : undefined,
                })
              }
            />
            <label for="studio-correction">{w.correction}</label>
          </div>
          <div class="choice">
            <input
              type="checkbox"
              id="studio-confirm"
              checked={confirmed}
              onChange={(e) => setConfirmed((e.target as HTMLInputElement).checked)}
            />
            <label for="studio-confirm">{w.confirm}</label>
          </div>
          {problems > 0 && <p class="problem">{fill(w.problems, { count: problems })}</p>}
          {refusal && (
            <p class="problem" role="alert">
              {refusal}
            </p>
          )}
          <div class="actions">
            <button type="submit" disabled={!confirmed || problems > 0}>
              {fill(w.publishButton, { version: next })}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
