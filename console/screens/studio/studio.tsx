// The banner studio (owner, marketer, developer): edit the whole configuration with the
// compliance lint beside each field, see the real banner with the draft, publish with a
// summary and a confirmation, and browse, compare and republish earlier versions.
import { useEffect, useState } from 'preact/hooks';
import { call } from '../../api';
import { fill } from '../../i18n';
import type { ScreenProps } from '../types';
import { type Change, changed, type Draft, problemsByPath } from './draft';
import { Editor } from './editor';
import { History } from './history';
import { Preview } from './preview';
import { Publish } from './publish';
import { loadStudioWords, type StudioWords } from './words';

import type { Published } from './published';

export function Studio({ m, locale, announce, fail }: ScreenProps) {
  const [w, setWords] = useState<StudioWords | null>(null);
  const [current, setCurrent] = useState<Published | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);

  useEffect(() => {
    call<Published>('GET', '/v1/config').then((published) => {
      setCurrent(published);
      setDraft(published.config);
    }, fail);
  }, []);
  useEffect(() => {
    loadStudioWords(locale).then(setWords, fail);
  }, [locale]);

  if (!current || !draft || !w) return <p class="meta">{m.loading}</p>;

  const problems = problemsByPath(draft);
  const count = [...problems.values()].reduce((sum, found) => sum + found.length, 0);
  // From the latest draft, not this render's: two quick edits must not undo each other.
  const edit = (change: Change) => setDraft((latest) => changed(latest ?? draft, change));
  const published = (next: Published) => {
    setCurrent(next);
    setDraft(next.config);
    announce(fill(w.published, { version: next.version }));
  };

  return (
    <div class="stack">
      <p>{w.intro}</p>
      <div class="studio">
        <section class="stack" aria-labelledby="studio-editor">
          <h2 id="studio-editor">{w.editor}</h2>
          <p class={count > 0 ? 'problem' : 'meta'} aria-live="polite">
            {count > 0 ? fill(w.problems, { count }) : w.noProblems}
          </p>
          <Editor draft={draft} w={w} ctx={{ reasons: w.reasons, problems }} edit={edit} />
        </section>
        <Preview draft={draft} w={w} />
      </div>
      <Publish
        draft={draft}
        current={current}
        problems={count}
        w={w}
        setDraft={setDraft}
        onPublished={published}
        fail={fail}
      />
      <History current={current} w={w} locale={locale} onPublished={published} fail={fail} />
    </div>
  );
}
