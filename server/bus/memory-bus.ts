/** The single-process bus: a map of topic to handlers, delivered synchronously in publish order. */
import type { Bus, Handler } from './bus.ts';

export function createMemoryBus(): Bus {
  const handlers = new Map<string, Set<Handler>>();
  return {
    publish(topic, event) {
      const set = handlers.get(topic);
      if (!set) return;
      // No copy: a Set iterates safely while handlers unsubscribe themselves (a stream closing),
      // and copying would cost O(streams) per event on busy topics.
      for (const handler of set) handler(event);
    },
    subscribe(topic, handler) {
      let set = handlers.get(topic);
      if (!set) handlers.set(topic, (set = new Set()));
      set.add(handler);
      return () => {
        set.delete(handler);
        if (set.size === 0 && handlers.get(topic) === set) handlers.delete(topic);
      };
    },
    async close() {
      handlers.clear();
    },
  };
}
