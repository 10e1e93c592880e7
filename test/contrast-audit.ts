/**
 * Measures what a reader of a page sees: every visible piece of text (and every form field's
 * value) with the colour it is drawn in and the background it sits on — the page's own
 * backgrounds composited from the root down — and returns each pair below WCAG 1.4.3's minimum
 * (4.5:1, 3:1 for large text), measured with the dashboard's own lib/contrast.ts. Disabled
 * controls are exempt, as WCAG says; so are iframes (the widget preview is another page).
 */
import type { Page } from 'playwright-core';
import { contrastRatio, MIN_TEXT_CONTRAST } from '../dashboard/lib/contrast.ts';

export interface ContrastFailure {
  text: string;
  element: string;
  color: string;
  background: string;
  ratio: number;
}

interface Sample { text: string; element: string; color: string; background: string; large: boolean }

export async function contrastFailures(page: Page): Promise<ContrastFailure[]> {
  const samples = await page.evaluate((): Sample[] => {
    type Rgba = [number, number, number, number];
    const parse = (css: string): Rgba | null => {
      const match = /rgba?\(([^)]+)\)/.exec(css);
      if (!match) return null;
      const parts = match[1]!.split(/[\s,/]+/).filter(Boolean).map(Number);
      return [parts[0]!, parts[1]!, parts[2]!, parts[3] ?? 1];
    };
    const over = (top: Rgba, bottom: Rgba): Rgba => [0, 1, 2].map((i) => top[i]! * top[3] + bottom[i]! * (1 - top[3])).concat(1) as Rgba;
    const hex = (c: Rgba) => `#${c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
    const backgroundOf = (element: Element): Rgba => {
      const chain: Element[] = [];
      for (let e: Element | null = element; e; e = e.parentElement) chain.push(e);
      let background: Rgba = [255, 255, 255, 1];
      for (const e of chain.reverse()) {
        const colour = parse(getComputedStyle(e).backgroundColor);
        if (colour && colour[3] > 0) background = over(colour, background);
      }
      return background;
    };
    const visible = (element: Element) => {
      const rect = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      return rect.width > 0 && rect.height > 0 && style.visibility !== 'hidden' && rect.bottom > 0 && rect.right > 0
        && rect.top < innerHeight && rect.left < innerWidth && !element.closest('.sr-only');
    };
    const out: Sample[] = [];
    for (const element of document.body.querySelectorAll('*')) {
      if (element.closest('iframe, :disabled, [aria-disabled="true"], svg') || !visible(element)) continue;
      const field = /^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName) && !['checkbox', 'radio', 'color', 'hidden'].includes((element as HTMLInputElement).type);
      const text = field ? (element as HTMLInputElement).value
        : [...element.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent ?? '').join('').trim();
      if (!text) continue;
      const style = getComputedStyle(element);
      const background = backgroundOf(element);
      const colour = parse(style.color);
      if (!colour) continue;
      const size = parseFloat(style.fontSize);
      const bold = Number(style.fontWeight) >= 700;
      out.push({
        text: text.slice(0, 40), element: `${element.tagName.toLowerCase()}.${[...element.classList].join('.')}`,
        color: hex(over(colour, background)), background: hex(background), large: size >= 24 || (size >= 18.66 && bold),
      });
    }
    return out;
  });
  return samples
    .map((s) => ({ ...s, ratio: Math.round(contrastRatio(s.color, s.background) * 100) / 100 }))
    .filter((s) => s.ratio < (s.large ? 3 : MIN_TEXT_CONTRAST))
    .map(({ large: _, ...failure }) => failure);
}

export const describeFailures = (failures: ContrastFailure[]): string =>
  failures.map((f) => `"${f.text}" (${f.element}) ${f.color} on ${f.background}: ${f.ratio}:1`).join('\n');
