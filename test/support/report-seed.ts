/**
 * A month of a support team's work, for the Reports page's browser test (issue 15): conversations
 * on two sites over the `days` days before `end`, most answered by one of the given agents within
 * seconds to a quarter of an hour, most resolved within hours, some never answered, and a rating
 * for about half of the resolved ones, mostly good. Made through the store's own methods with its
 * clock set to each moment (the store is opened with `now: () => clock.at`), from a seeded random
 * sequence: the same data on every run.
 */
import type { AgentRef } from '../../protocol/protocol.ts';
import type { Store } from '../../server/store/store.ts';

/** Small and seedable (mulberry32): the same numbers every run. */
export function randomSequence(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export interface SeedClock { at: number }

export async function seedReportMonth(store: Store, clock: SeedClock, input: { siteIds: string[]; agents: AgentRef[]; end: number; days: number; seed?: number }): Promise<number> {
  const random = randomSequence(input.seed ?? 15);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  let made = 0;
  for (let day = input.days - 1; day >= 0; day--) {
    const dayStart = input.end - (day + 1) * DAY;
    // Busier on weekdays, and busier lately.
    const weekday = new Date(dayStart).getUTCDay() % 6 !== 0;
    const count = Math.round((weekday ? 7 : 3) + random() * 5 + (input.days - day) / 8);
    for (let n = 0; n < count; n++) {
      const start = dayStart + Math.floor(random() * (DAY - 8 * HOUR));
      if (start > input.end - 10 * MIN) continue;
      clock.at = start;
      const siteId = random() < 0.75 ? input.siteIds[0]! : pick(input.siteIds);
      const visitor = await store.createVisitor({ siteId, tokenHash: `seed-${day}-${n}-${random()}`, context: { url: 'https://shop.example/checkout' } });
      const { value: conversation } = await store.startConversation({ siteId, visitorId: visitor.id, clientId: `seed-${n}` });
      await store.appendMessage({ conversationId: conversation.id, clientId: 'q', author: 'visitor', agentId: null, body: 'Where is my order?', internal: false });
      made++;
      if (random() < 0.12) continue; // nobody answered
      const agent = pick(input.agents);
      // Mostly within a few minutes, sometimes much later: a long tail, as real queues have.
      clock.at = start + Math.round(15_000 + random() ** 3 * 20 * MIN);
      await store.claim(conversation.id, agent);
      await store.appendMessage({ conversationId: conversation.id, clientId: 'a', author: 'agent', agentId: agent.id, body: 'Let me check.', internal: false });
      if (random() < 0.15) continue; // still open
      clock.at += Math.round(2 * MIN + random() ** 2 * 6 * HOUR);
      await store.resolve(conversation.id, agent);
      if (random() < 0.45) continue; // not rated
      clock.at += Math.round(random() * 10 * MIN);
      const mood = random();
      const score = mood < 0.55 ? 5 : mood < 0.8 ? 4 : mood < 0.88 ? 3 : mood < 0.94 ? 2 : 1;
      const thumbs = siteId !== input.siteIds[0];
      await store.rateConversation({
        conversationId: conversation.id, clientId: 'r', scale: thumbs ? 'thumbs' : 'five',
        score: thumbs ? (score >= 4 ? 5 : 1) : score, comment: score <= 2 ? 'Took too long' : null,
      });
    }
  }
  return made;
}
