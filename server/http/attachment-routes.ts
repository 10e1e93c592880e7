/**
 * Attachments for agents and owners, and the files themselves (issue 13):
 * - agents upload to, and list the files of, conversations of their sites (internal notes'
 *   included), and list a visitor's files for the visitor panel; any other is 404;
 * - owners read a site's storage use;
 * - GET FILE_PATH serves a file to whoever holds a valid signed link, and never as a page of this
 *   server's origin: a download (Content-Disposition: attachment) unless it is a raster image,
 *   `nosniff`, and a CSP sandbox with nothing allowed, so even an HTML or SVG file that somehow got
 *   stored could run no script here (Chatwoot's CVE-2021-3742 is what this guards against).
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  ADMIN_PATHS, AGENT_PATHS, FILE_PATH, type AttachmentListResponse, type AttachmentUsage, type UploadResponse,
} from '../../protocol/protocol.ts';
import { contentDisposition } from '../attachments/safe-name.ts';
import { linkValid } from '../attachments/signed-link.ts';
import type { Services } from '../services.ts';
import { requireAgent } from './agent-session.ts';
import { ParleyError } from './errors.ts';
import * as s from './schemas.ts';
import { acceptRawBodies, bodyOf, declaredBytes, uploadQuery } from './upload-body.ts';

/** Shown inline when asked for without `download`: pictures browsers draw and never run. */
const INLINE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export async function attachmentRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { store, attachments, sites, clock, serverSecret, config } = services;

  app.get<{ Params: { attachmentId: string }; Querystring: { expires: number; sig: string; download?: '1' } }>(FILE_PATH, {
    config: { rateLimit: { max: config.ipRateLimit, timeWindow: 60_000 } },
    schema: {
      params: s.object({ attachmentId: s.id }, ['attachmentId']),
      querystring: s.object({ expires: { type: 'integer', minimum: 0 }, sig: { type: 'string', maxLength: 64 }, download: { enum: ['1'] } }, ['expires', 'sig']),
    },
  }, async (request, reply) => {
    const { attachmentId } = request.params;
    if (!linkValid(serverSecret, attachmentId, request.query.expires, request.query.sig, clock.now())) {
      throw new ParleyError('LINK_EXPIRED', 'This file link has expired or is not valid; reload the conversation for a fresh one.');
    }
    const record = await store.getAttachment(attachmentId);
    const bytes = record && (await attachments.files.get(record.id));
    if (!record || !bytes) throw new ParleyError('ATTACHMENT_NOT_FOUND', 'This file has been deleted.');
    const inline = INLINE.has(record.type) && request.query.download !== '1';
    reply.headers({
      'content-type': record.type === 'text/plain' ? 'text/plain; charset=utf-8' : record.type,
      'content-length': String(record.size),
      'content-disposition': contentDisposition(inline ? 'inline' : 'attachment', record.name),
      'content-security-policy': "default-src 'none'; sandbox",
      'x-content-type-options': 'nosniff',
      // The widget shows pictures on the customer's site, another origin.
      'cross-origin-resource-policy': 'cross-origin',
      'referrer-policy': 'no-referrer',
      // The link is the credential: browsers may keep the file until it expires, shared caches never.
      'cache-control': `private, max-age=${Math.max(0, Math.floor((request.query.expires - clock.now()) / 1000))}`,
    });
    return reply.send(Readable.from(bytes));
  });

  await app.register(async (agents) => {
    agents.addHook('onRequest', requireAgent(services));
    const conversationFor = async (request: FastifyRequest<{ Params: { conversationId: string } }>) => {
      const conversation = await store.getConversationRef(request.params.conversationId);
      if (!conversation || !request.agent!.user.siteIds.includes(conversation.siteId)) {
        throw new ParleyError('CONVERSATION_NOT_FOUND', 'No such conversation on your sites.');
      }
      return conversation;
    };

    agents.get<{ Params: { conversationId: string } }>(AGENT_PATHS.attachments, { schema: { params: s.agentConversationParams } },
      async (request): Promise<AttachmentListResponse> => {
        const conversation = await conversationFor(request);
        return { attachments: attachments.links(await store.listAttachments({ conversationId: conversation.id }, true)) };
      });

    agents.get<{ Params: { visitorId: string } }>(AGENT_PATHS.visitorAttachments, { schema: { params: s.object({ visitorId: s.id }, ['visitorId']) } },
      async (request): Promise<AttachmentListResponse> => {
        const visitor = await store.getVisitor(request.params.visitorId);
        if (!visitor || !request.agent!.user.siteIds.includes(visitor.siteId)) throw new ParleyError('NOT_FOUND', 'No visitor with this id on your sites.');
        return { attachments: attachments.links(await store.listAttachments({ visitorId: visitor.id }, true)) };
      });

    agents.get<{ Params: { siteId: string } }>(ADMIN_PATHS.attachmentUsage, {
      onRequest: async (request) => {
        if (request.agent!.user.role !== 'owner') throw new ParleyError('FORBIDDEN', 'Only owners can change settings.');
      },
      schema: { params: s.object({ siteId: s.id }, ['siteId']) },
    }, async (request): Promise<AttachmentUsage> => {
      if (!(await store.getSite(request.params.siteId))) throw new ParleyError('SITE_NOT_FOUND', 'No site with this id.');
      return store.attachmentUsage(request.params.siteId);
    });

    await agents.register(async (raw) => {
      acceptRawBodies(raw);
      raw.post<{ Params: { conversationId: string }; Querystring: { clientId: string; name: string } }>(AGENT_PATHS.attachments, {
        config: { streamingBody: true },
        schema: { params: s.agentConversationParams, querystring: uploadQuery },
      }, async (request, reply): Promise<UploadResponse> => {
        const conversation = await conversationFor(request);
        const site = await sites.get(conversation.siteId);
        if (!site) throw new ParleyError('SITE_NOT_FOUND', 'No site with this id.');
        const { attachment, created } = await attachments.upload({
          site, conversationId: conversation.id, clientId: request.query.clientId, name: request.query.name,
          author: 'agent', agentId: request.agent!.user.id, body: bodyOf(request), declaredBytes: declaredBytes(request),
        });
        return reply.status(created ? 201 : 200).send({ attachment });
      });
    });
  });
}
