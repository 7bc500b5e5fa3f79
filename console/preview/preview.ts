// The studio's preview frame: the real banner bundle (served raw at /console/preview/widget.js)
// started with a draft's data. The page is sandboxed (an opaque origin) and its policy allows no
// connections, so nothing the banner does here reaches the server: no consent is recorded. The
// studio draws a new frame for each draft, so the banner starts once per frame, as on a site.
import {
  AXE_TAGS,
  type AxeFinding,
  type AxeRequest,
  type FrameMessage,
  type ShowRequest,
} from './messages';

const studio = new URL(location.href).origin;
const tell = (message: FrameMessage) => parent.postMessage(message, studio);

// An opaque origin has no cookies: the banner gets an in-memory jar instead, which is gone
// with the frame.
let jar: string[] = [];
Object.defineProperty(document, 'cookie', {
  configurable: true,
  get: () => jar.join('; '),
  set: (value: string) => {
    const pair = value.split(';')[0].trim();
    const name = pair.slice(0, pair.indexOf('='));
    jar = [...jar.filter((entry) => !entry.startsWith(`${name}=`)), pair];
  },
});

// The banner moves focus to itself as it opens; in a preview that would pull the keyboard
// away from the studio's form on every keystroke, so it may only while the frame has focus.
const focus = HTMLElement.prototype.focus;
HTMLElement.prototype.focus = function focusInsideOnly(this: HTMLElement, options?: FocusOptions) {
  if (document.hasFocus()) focus.call(this, options);
};

const loadScript = (src: string) =>
  new Promise<void>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(src));
    document.head.append(script);
  });

let shown = false;
async function show(request: ShowRequest) {
  if (shown) return;
  shown = true;
  document.documentElement.lang = request.locale;
  (globalThis as { __akkoordConfig?: unknown }).__akkoordConfig = request.widget;
  await loadScript('/console/preview/widget.js');
  if (request.layer === 'settings') {
    const words = (request.widget.words as Record<string, { choose: string }>)[request.locale];
    const root = [...document.body.children].find((element) => element.shadowRoot)?.shadowRoot;
    const choose = [...(root?.querySelectorAll('button') ?? [])].find(
      (button) => button.textContent === words?.choose,
    );
    choose?.click();
  }
  tell({ type: 'akkoord-preview-shown' });
}

interface Axe {
  run(
    context: unknown,
    options: unknown,
  ): Promise<{
    violations: Array<{ id: string; impact?: string | null; help: string; nodes: unknown[] }>;
  }>;
}

async function runAxe() {
  const scope = globalThis as { axe?: Axe };
  if (!scope.axe) await loadScript('/console/preview/axe.js');
  const result = await scope.axe!.run(document, { runOnly: { type: 'tag', values: AXE_TAGS } });
  const violations: AxeFinding[] = result.violations.map((v) => ({
    id: v.id,
    impact: v.impact ?? null,
    help: v.help,
    nodes: v.nodes.length,
  }));
  tell({ type: 'akkoord-preview-axe-result', violations });
}

addEventListener('message', (event: MessageEvent<ShowRequest | AxeRequest>) => {
  if (event.source !== parent || event.origin !== studio) return;
  if (event.data?.type === 'akkoord-preview-show') void show(event.data);
  if (event.data?.type === 'akkoord-preview-axe')
    runAxe().catch(() => tell({ type: 'akkoord-preview-axe-failed' }));
});
tell({ type: 'akkoord-preview-ready' });
