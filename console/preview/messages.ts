// The messages between the studio (console/screens/studio) and its preview frame
// (console/preview/preview.ts). The frame has an opaque origin, so the studio knows it by
// its window, and the frame answers only the page that embeds it, on the server's origin.

/** The studio asks the frame to show the banner with this data, in this language and layer. */
export interface ShowRequest {
  type: 'akkoord-preview-show';
  widget: Record<string, unknown>;
  locale: string;
  layer: 'banner' | 'settings';
}

/** The studio asks for an axe-core run of what the frame shows. */
export interface AxeRequest {
  type: 'akkoord-preview-axe';
}

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
}

export type FrameMessage =
  | { type: 'akkoord-preview-ready' }
  | { type: 'akkoord-preview-shown' }
  | { type: 'akkoord-preview-axe-result'; violations: AxeFinding[] }
  | { type: 'akkoord-preview-axe-failed' };

/** The WCAG A/AA rules and best practices the console's own pages are held to. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
