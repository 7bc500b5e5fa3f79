// A tiny element builder. The widget has three small layers and a 10 KB budget, so it builds
// real DOM directly instead of shipping a virtual DOM. Strings become text nodes, never HTML
// (text is text), so configured copy cannot inject markup.

type AttributeValue = string | number | boolean | null | undefined | ((event: Event) => void);
type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, AttributeValue> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const name of Object.keys(attributes)) {
    const value = attributes[name];
    if (typeof value === 'function') node.addEventListener(name.slice(2), value);
    else if (value != null && value !== false)
      node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

/** An inline SVG icon from path data; decorative, hidden from assistive technology. */
export function icon(pathData: string): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', pathData);
  svg.append(path);
  return svg;
}
