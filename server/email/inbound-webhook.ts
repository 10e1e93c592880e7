/**
 * POST /v1/inbound/email (issue 12): a raw email (`Content-Type: message/rfc822`) forwarded by a
 * provider or relay that receives the reply domain's mail instead of the built-in SMTP receiver.
 * Authenticated by INBOUND_WEBHOOK_SECRET — as `Authorization: Bearer <secret>`, or as the
 * password of Basic auth for providers that can only put credentials in the URL — checked before
 * the body is read. Its own size limit (INBOUND_EMAIL_MAX_MB), enforced while the body streams,
 * and the per-sender rate limit; what it does with the email is inbound.ts's, said with the
 * catalogue's codes. Off (404) without a secret.
 */
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { inboundDeliveredSchema, inboundHeldSchema } from '../../protocol/email-api.ts';
import { INBOUND_PATHS } from '../../protocol/protocol.ts';
import { safeEqual, sha256 } from '../auth/secrets.ts';
import type { Config } from '../config.ts';
import { ParleyError } from '../http/errors.ts';
import type { JsonSchemaProvider } from '../http/json-schema-provider.ts';
import { UnreadableEmailError, type Inbound } from './inbound.ts';
import type { SenderLimit } from './inbound-rate-limit.ts';

/**
 * The body as bytes, out of reach of the app's preValidation hook, which walks every enumerable
 * property of a body to make its text well-formed (app.ts): a Buffer's are its bytes.
 */
class RawEmail {
  readonly #bytes: Buffer;
  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }
  get bytes(): Buffer {
    return this.#bytes;
  }
}

const wrongType = () => new ParleyError('UNSUPPORTED_MEDIA_TYPE', 'Send the raw email (its MIME source) as the body, with Content-Type: message/rfc822.');

export async function inboundWebhook(app: FastifyInstance, { inbound, limit, config }: {
  inbound: Inbound; limit: SenderLimit; config: Pick<Config, 'inboundWebhookSecret' | 'inboundEmailMaxBytes'>;
}): Promise<void> {
  const secret = config.inboundWebhookSecret;
  const megabytes = `${Math.round((config.inboundEmailMaxBytes / 1024 / 1024) * 10) / 10} MB`;

  app.addContentTypeParser('message/rfc822', { parseAs: 'buffer', bodyLimit: config.inboundEmailMaxBytes },
    (_request, body, done) => done(null, new RawEmail(body as Buffer)));
  // The app's handler words these for its JSON API; here they are about an email. Anything else
  // goes on to it (a throw in a child's error handler reaches the parent's).
  app.setErrorHandler((error: FastifyError) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      throw new ParleyError('BODY_TOO_LARGE', `The email is larger than this server takes: at most ${megabytes}, attachments included (INBOUND_EMAIL_MAX_MB).`);
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') throw wrongType();
    throw error;
  });

  const authenticate = async (request: FastifyRequest) => {
    if (!secret) throw new ParleyError('NOT_FOUND', 'The inbound email webhook is off: set INBOUND_WEBHOOK_SECRET to turn it on.');
    const given = presented(request.headers.authorization);
    // Digests of equal length, compared in constant time: neither the secret nor its length shows in the timing.
    if (given === null || !safeEqual(sha256(given), sha256(secret))) {
      throw new ParleyError('UNAUTHENTICATED', 'Missing or wrong secret: send Authorization: Bearer <INBOUND_WEBHOOK_SECRET>.');
    }
  };

  // The body is the email itself (message/rfc822), read by the parser above, so only the answers are described.
  app.withTypeProvider<JsonSchemaProvider>().post(INBOUND_PATHS.email, {
    onRequest: authenticate,
    schema: {
      summary: 'Deliver a raw email (Content-Type: message/rfc822) replying to a conversation',
      response: {
        200: { ...inboundDeliveredSchema, description: 'Added to its conversation as the visitor\'s message' },
        202: { ...inboundHeldSchema, description: 'Held for an agent to accept or discard (not from an address the conversation\'s email went to, or an automatic reply)' },
      },
    },
  }, async (request, reply) => {
    // JSON (the app's own parser) is read before this runs: refused here, with what to send instead.
    const body = request.body as RawEmail | object | undefined;
    if (body !== undefined && !(body instanceof RawEmail)) throw wrongType();
    const raw = body?.bytes;
    if (!raw || raw.length === 0) throw new ParleyError('BAD_REQUEST', 'The request body is empty: send the raw email, with Content-Type: message/rfc822.');
    let outcome;
    try {
      outcome = await inbound.receive(raw, undefined, (sender) => {
        const taken = limit.take(sender || '<>');
        if (!taken.ok) {
          const retryAfterSeconds = Math.ceil(taken.retryAfterMs / 1000);
          throw new ParleyError('RATE_LIMITED', `Too many emails from ${sender || 'this sender'} this hour; retry in ${Math.ceil(retryAfterSeconds / 60)} minutes.`, { retryAfterSeconds });
        }
      });
    } catch (error) {
      if (error instanceof UnreadableEmailError) throw new ParleyError('BAD_REQUEST', `${error.message}. Send the email's raw MIME source.`);
      throw error;
    }
    switch (outcome.kind) {
      case 'delivered':
        return { outcome: 'delivered' as const, conversationId: outcome.conversationId, messageId: outcome.messageId, duplicate: outcome.duplicate };
      case 'held':
        return reply.status(202).send({ outcome: 'held', conversationId: outcome.conversationId, heldEmailId: outcome.heldEmailId, duplicate: outcome.duplicate });
      case 'ended':
        throw new ParleyError('CONVERSATION_ENDED', 'The conversation this reply is addressed to has ended and is no longer kept; the sender should start a new conversation from the chat on the website.');
      case 'unmatched':
        throw new ParleyError('EMAIL_UNMATCHED', 'This email is not a reply to any conversation: it has no reply+<token> address and no References to an email Parley sent.');
    }
  });
}

/** The secret from `Bearer <secret>`, or the password of `Basic base64(user:secret)`. */
function presented(authorization: string | undefined): string | null {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (bearer) return bearer[1]!;
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  if (!basic) return null;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : decoded.slice(colon + 1);
}
