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
import { siteParamsSchema, visitorParamsSchema } from '../../protocol/admin-api.ts';
import {
  attachmentUsageSchema, conversationParamsSchema, fileParamsSchema, fileQuerySchema,
} from '../../protocol/agent-api.ts';
import { attachmentListResponseSchema, uploadQuerySchema, uploadResponseSchema } from '../../protocol/conversation-api.ts';
import { ADMIN_PATHS, AGENT_PATHS, FILE_PATH } from '../../protocol/protocol.ts';
import { contentDisposition } from '../attachments/safe-name.ts';
import { linkValid } from '../attachments/signed-link.ts';
import type { Services } from '../services.ts';
import { requireAgent } from './agent-session.ts';
import { ParleyError } from './errors.ts';
import type { JsonSchemaProvider } from './json-schema-provider.ts';
import { acceptRawBodies, bodyOf, declaredBytes } from './upload-body.ts';

/**
 * A file's bytes, ended with its last byte: the storage says "no more" only on a further read (on
 * disk one more read, in PostgreSQL one more query), and a response not ended by then is still busy
 * when the client already has every byte, so a server closing meanwhile keeps that connection
 * open until its keep-alive runs out (72 s) instead of closing it as idle. Never more bytes than
 * the content-length it was announced with, either.
 */
async function* upTo(source: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  let left = size;
  for await (const chunk of source) {
    if (chunk.byteLength < left) {
      yield chunk;
      left -= chunk.byteLength;
      continue;
    }
    if (left > 0) yield chunk.subarray(0, left);
    // Leaving the loop closes the source (its file or query) without waiting for its end.
    return;
  }
}

/** Shown inline when asked for without `download`: pictures browsers draw and never run. */
const INLINE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/**
 * The file's bytes: streamed, never serialised, so described rather than typed (an empty schema:
 * any bytes, as OpenAPI 3.1 describes binary content).
 */
const fileBytes = {
  description: 'The file\'s bytes, with its type (as decided by its content) and Content-Disposition: inline for raster images unless `download=1`, a download otherwise',
  content: { '*/*': { schema: {} } },
} as const;

const fileList = (description: string) => ({ 200: { ...attachmentListResponseSchema, description } });

export async function attachmentRoutes(scope: FastifyInstance, services: Services): Promise<void> {
  const { store, attachments, sites, clock, serverSecret, config } = services;
  // Shapes come from protocol/agent-api.ts and conversation-api.ts, typed through the schema provider.
  const app = scope.withTypeProvider<JsonSchemaProvider>();

  app.get(FILE_PATH, {
    config: { rateLimit: { max: config.ipRateLimit, timeWindow: 60_000 } },
    schema: {
      summary: 'A file, by its signed link: no credentials but the link\'s signature, until it expires',
      params: fileParamsSchema, querystring: fileQuerySchema, response: { 200: fileBytes },
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
    return reply.send(Readable.from(upTo(bytes, record.size)));
  });

  await app.register(async (plugin) => {
    const agents = plugin.withTypeProvider<JsonSchemaProvider>();
    agents.addHook('onRequest', requireAgent(services));
    const conversationFor = async (request: FastifyRequest, conversationId: string) => {
      const conversation = await store.getConversationRef(conversationId);
      if (!conversation || !request.agent!.user.siteIds.includes(conversation.siteId)) {
        throw new ParleyError('CONVERSATION_NOT_FOUND', 'No such conversation on your sites.');
      }
      return conversation;
    };

    agents.get(AGENT_PATHS.attachments, {
      schema: {
        summary: 'The conversation\'s files, internal notes\' included, each with a signed link',
        params: conversationParamsSchema, response: fileList('The files, newest first'),
      },
    }, async (request) => {
      const conversation = await conversationFor(request, request.params.conversationId);
      return { attachments: attachments.links(await store.listAttachments({ conversationId: conversation.id }, true)) };
    });

    agents.get(AGENT_PATHS.visitorAttachments, {
      schema: {
        summary: 'Every file of a visitor\'s conversations, for the visitor panel',
        params: visitorParamsSchema, response: fileList('The files, newest first'),
      },
    }, async (request) => {
      const visitor = await store.getVisitor(request.params.visitorId);
      if (!visitor || !request.agent!.user.siteIds.includes(visitor.siteId)) throw new ParleyError('NOT_FOUND', 'No visitor with this id on your sites.');
      return { attachments: attachments.links(await store.listAttachments({ visitorId: visitor.id }, true)) };
    });

    agents.get(ADMIN_PATHS.attachmentUsage, {
      onRequest: async (request) => {
        if (request.agent!.user.role !== 'owner') throw new ParleyError('FORBIDDEN', 'Only owners can change settings.');
      },
      schema: {
        summary: 'What the site stores: every file not yet deleted, sent or not',
        params: siteParamsSchema, response: { 200: { ...attachmentUsageSchema, description: 'How many files, and their bytes' } },
      },
    }, async (request) => {
      if (!(await store.getSite(request.params.siteId))) throw new ParleyError('SITE_NOT_FOUND', 'No site with this id.');
      return store.attachmentUsage(request.params.siteId);
    });

    await agents.register(async (inner) => {
      acceptRawBodies(inner);
      const raw = inner.withTypeProvider<JsonSchemaProvider>();
      // The body is the file's bytes, read by the route as they arrive (no body schema: nothing parses it).
      raw.post(AGENT_PATHS.attachments, {
        config: { streamingBody: true },
        schema: {
          summary: 'Upload a file to the conversation: its bytes as the body, of any content type; sent later with a message or note',
          params: conversationParamsSchema, querystring: uploadQuerySchema,
          response: {
            201: { ...uploadResponseSchema, description: 'Stored' },
            200: { ...uploadResponseSchema, description: 'This clientId\'s file, stored before' },
          },
        },
      }, async (request, reply) => {
        const conversation = await conversationFor(request, request.params.conversationId);
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
