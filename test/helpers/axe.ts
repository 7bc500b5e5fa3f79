// axe-core (WCAG 2.0–2.2 A/AA rules and best practices) run in a Playwright page: on one element,
// whose open shadow root it audits inside (the banner), or on the whole page (a console or
// preference-center screen).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = fs.readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

export interface AxeViolation {
  id: string;
  help: string;
  nodes: Array<{ target: unknown }>;
}

export function axeViolations(page: Page, selector = 'akkoord-consent'): Promise<AxeViolation[]> {
  return runAxe(page, selector, true);
}

/** The whole page; `iframes: false` leaves out frames that run their own check (the studio's preview). */
export function pageAxeViolations(page: Page, { iframes = true } = {}): Promise<AxeViolation[]> {
  return runAxe(page, null, iframes);
}

async function runAxe(page: Page, include: string | null, iframes: boolean) {
  if (!(await page.evaluate(() => 'axe' in window)))
    await page.addScriptTag({ content: axeSource });
  return page.evaluate(
    async ({ include, iframes }) => {
      const axe = (
        window as unknown as {
          axe: { run(ctx: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> };
        }
      ).axe;
      const result = await axe.run(include ? { include: [[include]] } : document, {
        iframes,
        runOnly: {
          type: 'tag',
          values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
        },
      });
      return result.violations.map((v) => ({
        id: v.id,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target })),
      }));
    },
    { include, iframes },
  );
}
