/**
 * A visitor's request that finds its visitor gone mid-way (issue 14): authenticated a moment
 * before an agent merged the visitor into another, or an owner deleted their data, and writing a
 * moment after. Left alone it would fail as a bug (a write naming a visitor that no longer exists)
 * or as "not your conversation" (it moved to the visitor merged into). Its token decides instead,
 * as it would have a moment later:
 * - it finds nobody now (the data was deleted): 401 VISITOR_UNKNOWN, on which the widget forgets
 *   what the device keeps and starts over, calmly;
 * - it finds another visitor now (merged): the request runs again as them, once — nothing of the
 *   first run was written (GoneError says so), and every visitor write is idempotent anyway;
 * - it finds the same visitor: the conversation itself is gone or not theirs, as the error says.
 * Routes that read their body as a stream (uploads) cannot run twice: they get the 401 or the error.
 * For the visitor API's authenticated scope only (visitor-routes.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { GoneError, type Store } from '../store/store.ts';
import { ParleyError } from './errors.ts';

/** The token finds no visitor (any more): their data was deleted, or the database replaced. Not worth retrying. */
export const visitorUnknown = () =>
  new ParleyError('VISITOR_UNKNOWN', 'No visitor has this token (any more): their data may have been deleted. Open a new session without it.');

/** What a stale visitor can cause: a write to what is gone, or a conversation that moved away. */
const staleVisitor = (error: unknown) =>
  error instanceof GoneError || (error instanceof ParleyError && error.kind === 'CONVERSATION_NOT_FOUND');

export function followGoneVisitors(scope: FastifyInstance, store: Store): void {
  scope.addHook('onRoute', (route) => {
    const handler = route.handler as RouteHandlerMethod;
    const rerunnable = route.config?.streamingBody !== true;
    route.handler = async function (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      try {
        return await handler.call(this, request, reply);
      } catch (error) {
        if (!staleVisitor(error) || reply.sent || !request.visitor || !request.tokenHash) throw error;
        const now = await store.findVisitorByToken(request.site!.id, request.tokenHash);
        if (!now) throw visitorUnknown();
        if (now.id === request.visitor.id || !rerunnable) throw error;
        request.visitor = now;
        return handler.call(this, request, reply);
      }
    };
  });
}
