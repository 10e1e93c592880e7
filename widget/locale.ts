/** Which words and direction a locale gets; the words themselves are chunks (strings.ts, zh.ts). */

/**
 * The locale the widget uses, from whatever it was given (the site's config, `Parley('setLocale')`,
 * the browser): the tag itself when the browser can format dates with it, else 'en'. A malformed
 * tag makes toLocaleTimeString() and the other Intl calls throw a RangeError, which broke the
 * widget on every page of a site with a bad locale (issue 9). The check is the very call the panel
 * makes (panel.tsx time()), the cheapest in bytes.
 */
export function safeLocale(tag: string): string {
  try {
    new Date().toLocaleTimeString(tag);
    return tag;
  } catch {
    return 'en';
  }
}

/** Locales like "zh-CN", "zh-Hans-SG" get the Simplified Chinese chunk; every other one English. */
export const isZh = (locale: string) => /^zh\b/i.test(locale);

export const isRtl = (locale: string) => /^(ar|he|fa|ur)\b/i.test(locale);
