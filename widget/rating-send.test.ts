/**
 * The widget's pending ratings (rating-send.ts), with the clock injected: a rating the server does
 * not answer goes again after its backoff, not before; once stored it is not sent again; and once
 * the widget is shut down nothing is sent any more, while the rating stays kept on the device.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { flush, keep, pending, type RatingChat } from './rating-send.ts';

/** Lets the promises of a round settle (setImmediate is not among the mocked timers). */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

function fakeChat(answer: () => Promise<{ status: number; body: unknown }>) {
  const kept = new Map<string, string>();
  const posts: string[] = [];
  let gone = false;
  const chat: RatingChat = {
    ready: Promise.resolve(),
    siteUrl: (path: string) => path,
    storage: { get: (key: string) => kept.get(key) ?? null, set: (key: string, value: string) => void kept.set(key, value) },
    api: ((method: string, url: string) => {
      posts.push(`${method} ${url}`);
      return answer();
    }) as RatingChat['api'],
    gone: () => gone,
  } as RatingChat;
  return { chat, posts, shutDown: () => void (gone = true) };
}

describe('pending ratings', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('go again after the backoff while the server cannot be reached, and stop when the widget is shut down', async () => {
    const { chat, posts, shutDown } = fakeChat(() => Promise.reject(new TypeError('Failed to fetch')));
    keep(chat, { c1: { clientId: 'r1', score: 5, scale: 'five' } });
    await flush(chat, () => {});
    assert.deepEqual(posts, ['POST /conversations/c1/rating']);

    mock.timers.tick(400); // the first wait is 500–1,000 ms
    await settle();
    assert.equal(posts.length, 1, 'not sent again before its backoff');
    mock.timers.tick(600);
    await settle();
    assert.equal(posts.length, 2, 'sent again after it');

    shutDown();
    for (let i = 0; i < 4; i++) {
      mock.timers.tick(30_000);
      await settle();
    }
    assert.equal(posts.length, 2, 'no request after Parley(\'shutdown\')');
    assert.deepEqual(Object.keys(pending(chat)), ['c1'], 'the rating stays kept for the next time the widget runs');
  });

  it('go at once from a widget started again on the page while the old one\'s round is still on its way', async () => {
    const old = fakeChat(() => new Promise(() => {})); // never answered
    keep(old.chat, { c3: { clientId: 'r3', score: 5, scale: 'five' } });
    void flush(old.chat, () => {});
    await settle();
    assert.equal(old.posts.length, 1);
    old.shutDown();

    const again = fakeChat(() => Promise.resolve({ status: 201, body: { rating: { score: 5, scale: 'five', comment: null } } }));
    keep(again.chat, { c3: { clientId: 'r3', score: 5, scale: 'five' } });
    await flush(again.chat, () => {});
    assert.deepEqual(again.posts, ['POST /conversations/c3/rating'], 'not held back by the old widget\'s round');
    assert.deepEqual(pending(again.chat), {});
  });

  it('are not sent again once the server stored them', async () => {
    const rating = { score: 4, scale: 'five', comment: null };
    const { chat, posts } = fakeChat(() => Promise.resolve({ status: 201, body: { rating } }));
    keep(chat, { c2: { clientId: 'r2', score: 4, scale: 'five' } });
    await flush(chat, () => {});
    mock.timers.tick(60_000);
    await settle();
    assert.deepEqual(posts, ['POST /conversations/c2/rating']);
    assert.deepEqual(pending(chat), {});
  });
});
