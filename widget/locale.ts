/** Which words and direction a locale gets; the words themselves are chunks (strings.ts, zh.ts). */

/** Locales like "zh-CN", "zh-Hans-SG" get the Simplified Chinese chunk; every other one English. */
export const isZh = (locale: string) => /^zh\b/i.test(locale);

export const isRtl = (locale: string) => /^(ar|he|fa|ur)\b/i.test(locale);
