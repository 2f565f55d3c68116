import type { Page } from '@playwright/test';

export interface ContrastFailure {
  text: string;
  ratio: number;
  required: number;
  color: string;
  background: string;
}

/**
 * WCAG contrast of every visible text, measured in the browser. Tailwind 4 colours are oklch / oklab, which
 * not every checker parses: each colour is painted on a 1×1 canvas and read back as sRGB bytes, so the
 * browser itself converts it. Backgrounds are composited up the ancestor chain (translucent ones over
 * what is behind them). Disabled controls and aria-hidden text are exempt, as in WCAG.
 */
export function textContrastFailures(page: Page, exclude = '[data-never]'): Promise<ContrastFailure[]> {
  return page.evaluate((exclude) => {
    const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
    const cache = new Map<string, [number, number, number, number]>();
    const rgba = (css: string): [number, number, number, number] => {
      const hit = cache.get(css);
      if (hit) return hit;
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = '#000';
      ctx.fillStyle = css;
      ctx.fillRect(0, 0, 1, 1);
      const d = ctx.getImageData(0, 0, 1, 1).data;
      const v: [number, number, number, number] = [d[0]!, d[1]!, d[2]!, d[3]! / 255];
      cache.set(css, v);
      return v;
    };
    const over = (top: number[], bottom: number[]) => {
      const a = top[3]!;
      return [0, 1, 2].map((i) => top[i]! * a + bottom[i]! * (1 - a)).concat(1);
    };
    const background = (el: Element): number[] => {
      const layers: number[][] = [];
      for (let e: Element | null = el; e; e = e.parentElement) {
        const c = rgba(getComputedStyle(e).backgroundColor);
        if (c[3] > 0) layers.push(c);
        if (c[3] >= 1) break;
      }
      let acc = [255, 255, 255, 1];
      for (const l of layers.reverse()) acc = over(l, acc);
      return acc;
    };
    const lum = (c: number[]) => {
      const [r, g, b] = [0, 1, 2].map((i) => {
        const s = c[i]! / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const out: Array<{ text: string; ratio: number; required: number; color: string; background: string }> =
      [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const seen = new Set<Element>();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || seen.has(el) || !n.textContent?.trim()) continue;
      seen.add(el);
      if (
        el.closest(
          `[aria-hidden="true"], [disabled], [aria-disabled="true"], .sr-only, script, style, ${exclude}`,
        )
      )
        continue;
      const cs = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      if (cs.visibility !== 'visible' || Number(cs.opacity) === 0 || r.width === 0 || r.height === 0)
        continue;
      if (r.bottom < 0 || r.top > innerHeight || r.right < 0 || r.left > innerWidth) continue;
      const bg = background(el);
      const fg = over(rgba(cs.color), bg);
      const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
      const ratio = (l1! + 0.05) / (l2! + 0.05);
      const size = parseFloat(cs.fontSize);
      const bold = Number(cs.fontWeight) >= 700;
      const required = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
      if (ratio < required)
        out.push({
          text: n.textContent.trim().slice(0, 40),
          ratio: Math.round(ratio * 100) / 100,
          required,
          color: cs.color,
          background: `rgb(${bg.slice(0, 3).map(Math.round).join(',')})`,
        });
    }
    return out;
  }, exclude);
}
