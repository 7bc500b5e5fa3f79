// The live preview: the real banner bundle with the draft's data, in a sandboxed frame
// (console/preview/preview.ts) drawn anew for each draft, language and layer; desktop or 375 px
// wide; with axe-core's findings on what the frame shows beside it.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure, call } from '../../api';
import { fill } from '../../i18n';
import type { AxeFinding, FrameMessage, ShowRequest } from '../../preview/messages';
import type { Draft } from './draft';
import type { StudioWords } from './words';

type Width = 'desktop' | 'mobile';
type Layer = ShowRequest['layer'];
const WIDTHS: Record<Width, number> = { desktop: 1024, mobile: 375 };

/** A row of buttons of which one is pressed: a toggle the keyboard reaches with Tab and Enter. */
function Toggle<T extends string>({
  label,
  value,
  options,
  names,
  onChange,
}: {
  label: string;
  value: T;
  options: readonly T[];
  names: (option: T) => string;
  onChange: (value: T) => void;
}) {
  return (
    <div class="languages" role="group" aria-label={label}>
      <span class="meta" aria-hidden="true">
        {label}:
      </span>
      {options.map((option) => (
        <button
          type="button"
          class="link"
          key={option}
          aria-pressed={option === value}
          onClick={() => onChange(option)}
        >
          {names(option)}
        </button>
      ))}
    </div>
  );
}

export function Preview({ draft, w }: { draft: Draft; w: StudioWords }) {
  const [width, setWidth] = useState<Width>('desktop');
  const [locale, setLocale] = useState(draft.defaultLocale);
  const [layer, setLayer] = useState<Layer>('banner');
  const [widget, setWidget] = useState<Record<string, unknown> | null>(null);
  const [unavailable, setUnavailable] = useState('');
  const [frameKey, setFrameKey] = useState(0);
  const [axe, setAxe] = useState<AxeFinding[] | 'running' | 'failed'>('running');
  const frame = useRef<HTMLIFrameElement>(null);
  const shown = draft.locales.includes(locale) ? locale : draft.defaultLocale;

  // The banner's data for the draft, a moment after the last keystroke.
  useEffect(() => {
    const timer = setTimeout(() => {
      call<{ widget: Record<string, unknown> }>('POST', '/v1/config/preview', draft).then(
        (answer) => {
          setUnavailable('');
          setWidget(answer.widget);
          setFrameKey((n) => n + 1);
        },
        (error: unknown) =>
          setUnavailable(error instanceof ApiFailure ? error.message : String(error)),
      );
    }, 300);
    return () => clearTimeout(timer);
  }, [draft]);
  useEffect(() => setFrameKey((n) => n + 1), [shown, layer]);

  useEffect(() => {
    const onMessage = (event: MessageEvent<FrameMessage>) => {
      const target = frame.current?.contentWindow;
      if (!target || event.source !== target || !widget) return;
      const answer = (message: unknown) => target.postMessage(message, '*');
      if (event.data.type === 'akkoord-preview-ready')
        answer({
          type: 'akkoord-preview-show',
          widget,
          locale: shown,
          layer,
        } satisfies ShowRequest);
      if (event.data.type === 'akkoord-preview-shown') {
        setAxe('running');
        answer({ type: 'akkoord-preview-axe' });
      }
      if (event.data.type === 'akkoord-preview-axe-result') setAxe(event.data.violations);
      if (event.data.type === 'akkoord-preview-axe-failed') setAxe('failed');
    };
    addEventListener('message', onMessage);
    return () => removeEventListener('message', onMessage);
  }, [widget, shown, layer]);

  const layerName = layer === 'banner' ? w.firstLayer : w.settings;
  return (
    <section class="stack preview" aria-labelledby="studio-preview">
      <h2 id="studio-preview">{w.preview}</h2>
      <Toggle<Width>
        label={w.width}
        value={width}
        options={['desktop', 'mobile'] as const}
        names={(o) => w[o]}
        onChange={setWidth}
      />
      <Toggle
        label={w.previewLanguage}
        value={shown}
        options={draft.locales}
        names={(o) => o}
        onChange={setLocale}
      />
      <Toggle<Layer>
        label={w.layer}
        value={layer}
        options={['banner', 'settings'] as const}
        names={(o) => (o === 'banner' ? w.firstLayer : w.settings)}
        onChange={setLayer}
      />
      {unavailable && <p class="problem">{fill(w.previewUnavailable, { reason: unavailable })}</p>}
      {widget && (
        <div class="frame-wrap" tabIndex={0} role="region" aria-label={w.frameRegion}>
          {/* An opaque origin (no allow-same-origin): the banner cannot reach the console or the server. */}
          <iframe
            key={frameKey}
            ref={frame}
            sandbox="allow-scripts"
            src="/console/preview"
            width={WIDTHS[width]}
            height={640}
            title={fill(w.frameTitle, { width: w[width], locale: shown, layer: layerName })}
          />
        </div>
      )}
      <div aria-live="polite">
        <h3>{w.axe}</h3>
        {axe === 'running' && <p class="meta">{w.axeRunning}</p>}
        {axe === 'failed' && <p class="problem">{w.axeFailed}</p>}
        {Array.isArray(axe) && axe.length === 0 && <p class="axe-clean">{w.axeClean}</p>}
        {Array.isArray(axe) && axe.length > 0 && (
          <>
            <p class="problem">{fill(w.axeFound, { count: axe.length })}</p>
            <ul class="axe-found">
              {axe.map((finding) => (
                <li key={finding.id}>
                  <strong>{finding.id}</strong> ({finding.impact}, {finding.nodes}): {finding.help}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </section>
  );
}
