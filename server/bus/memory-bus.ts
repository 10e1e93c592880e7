/**
 * The single-process bus: a map of topic to handlers, delivered synchronously in publish order.
 * With one process, sharing and broadcasting are local too. pg-bus.ts builds on it.
 */
import type { Bus, ControlMessage, Handler } from './bus.ts';

export function createMemoryBus(): Bus {
  const handlers = new Map<string, Set<Handler>>();
  const listeners = new Set<(message: ControlMessage) => void>();
  const bus: Bus = {
    publish(topic, event) {
      const set = handlers.get(topic);
      if (!set) return;
      // No copy: a Set iterates safely while handlers unsubscribe themselves (a stream closing),
      // and copying would cost O(streams) per event on busy topics.
      for (const handler of set) handler(event);
    },
    share(topic, event) {
      bus.publish(topic, event);
    },
    async subscribe(topic, handler) {
      let set = handlers.get(topic);
      if (!set) handlers.set(topic, (set = new Set()));
      set.add(handler);
      return () => {
        set.delete(handler);
        if (set.size === 0 && handlers.get(topic) === set) handlers.delete(topic);
      };
    },
    broadcast(message) {
      for (const listener of listeners) listener(message);
    },
    onBroadcast(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      handlers.clear();
      listeners.clear();
    },
  };
  return bus;
}
