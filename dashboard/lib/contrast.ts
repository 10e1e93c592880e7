/**
 * WCAG 2 contrast between two colours, for the appearance page's warning: the widget writes white
 * text on the primary colour, and below 4.5:1 normal-size text is hard to read (WCAG 1.4.3).
 */

/** Relative luminance of "#rrggbb" (https://www.w3.org/TR/WCAG21/#dfn-relative-luminance). */
export function luminance(hex: string): number {
  const match = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (!match) return NaN;
  const value = parseInt(match[1]!, 16);
  const channel = (shift: number) => {
    const c = ((value >> shift) & 0xff) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0);
}

/** From 1 (none) to 21 (black on white); NaN when a colour is not "#rrggbb". */
export function contrastRatio(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)];
  const [light, dark] = x > y ? [x, y] : [y, x];
  return (light + 0.05) / (dark + 0.05);
}

export const MIN_TEXT_CONTRAST = 4.5;
