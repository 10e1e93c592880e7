/** Routes logged events to the bus topics of everyone allowed to see them. */
import type { WireEvent } from '../../protocol/protocol.ts';
import { topics, type Bus } from '../bus/bus.ts';
import type { EventScope, LoggedEvent } from '../store/store.ts';
import { visitorWire } from './visitor-view.ts';

export const toWire = (event: LoggedEvent): WireEvent => ({ id: event.id, type: event.type, data: event.data }) as WireEvent;

/** A logged event as a stream or poll of this kind replays it: a visitor's without the agents' bookkeeping (visitor-view.ts). */
export const wireFor = (scope: EventScope, event: LoggedEvent): WireEvent =>
  (scope.kind === 'visitor' ? visitorWire(toWire(event)) : toWire(event));

export function publishEvents(bus: Bus, events: LoggedEvent[]): void {
  for (const event of events) {
    const wire = toWire(event);
    if (event.audience !== 'visitors') bus.publish(topics.site(event.siteId), wire);
    if (event.audience === 'all' && event.visitorId) bus.publish(topics.visitor(event.visitorId), visitorWire(wire));
    if (event.audience === 'visitors' || (event.audience === 'all' && !event.visitorId)) {
      bus.publish(topics.siteVisitors(event.siteId), visitorWire(wire));
    }
  }
}
