/**
 * The widget's byte budgets (docs/widget.md "Sizes"), measured the way scripts/widget-size.ts prints them:
 * each built file gzipped on its own at level 9, as the server sends it. What a page pays for the
 * loader on every view, and what a typical visitor's opened panel costs in all, in English and in
 * Chinese (whose words are the larger chunk). Reads dist/widget: needs `npm run build` first
 * (npm test builds before it tests).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { widgetSizes } from '../scripts/widget-size.ts';

const LOADER_MAX = 2048;
const TYPICAL_MAX = 16 * 1024;

describe('widget weight', () => {
  it('keeps the loader, which every page view downloads, within 2,048 B gzip', () => {
    const { loader } = widgetSizes();
    assert.ok(loader.gzip <= LOADER_MAX, `loader.js is ${loader.gzip} B gzip, ${loader.gzip - LOADER_MAX} B over`);
  });

  it('keeps a typical visitor\'s opened panel within 16,384 B gzip, in English and in Chinese', () => {
    const { typical, chinese, optional } = widgetSizes();
    // Without the words chunks the totals below would leave them out and pass for the wrong reason.
    assert.ok(optional.strings && optional.zh, 'the English and Chinese words are chunks of their own');
    assert.ok(typical.gzip <= TYPICAL_MAX, `English: loader + panel + strings is ${typical.gzip} B gzip, ${typical.gzip - TYPICAL_MAX} B over`);
    assert.ok(chinese.gzip <= TYPICAL_MAX, `Chinese: loader + panel + zh is ${chinese.gzip} B gzip, ${chinese.gzip - TYPICAL_MAX} B over`);
  });
});
