/**
 * A conversation whose answer went out by email, for the inbound-email tests (issue 12): the
 * visitor asked in the widget, an agent replied, and that reply was emailed to `visitorEmail` —
 * recorded through the store's email-thread methods exactly as the outbox records what it sends
 * (its reply token for Reply-To, its Message-ID for In-Reply-To / References).
 */
import { randomBytes } from 'node:crypto';
import { loginAgent, newVisitor, type TestServer } from '../harness.ts';

export const REPLY_DOMAIN = 'reply.parley.test';

/** One login per server: the login endpoint allows ten a minute. */
const agents = new WeakMap<TestServer, ReturnType<typeof loginAgent>>();

export async function openEmailThread(server: TestServer, visitorEmail = `visitor-${randomBytes(4).toString('hex')}@example.com`) {
  const visitor = await newVisitor(server);
  // The widget asked for it while nobody was online; the reply was emailed there.
  const told = await visitor.call('/visitor', { method: 'PATCH', json: { email: visitorEmail } });
  if (told.status !== 200) throw new Error(`visitor update failed: ${told.status}`);
  const conversation = await visitor.start();
  const asked = await visitor.send(conversation.id, 'Where is my parcel? Order 1042.');
  if (asked.status !== 200) throw new Error(`send failed: ${asked.status}`);
  if (!agents.has(server)) agents.set(server, loginAgent(server, 'alice@test.local'));
  const agent = await agents.get(server)!;
  const answered = await agent.send(conversation.id, 'It left our warehouse this morning; it should arrive on Friday.');
  if (answered.status !== 200) throw new Error(`reply failed: ${answered.status}`);
  const token = await server.store.replyToken(conversation.id);
  const messageId = `${randomBytes(8).toString('hex')}@parley.test`;
  await server.store.recordSentEmail({ messageId, conversationId: conversation.id, to: visitorEmail, sentAt: Date.now() });
  return {
    visitor, agent, conversation, token, messageId, visitorEmail,
    replyTo: `reply+${token}@${REPLY_DOMAIN}`,
    /** The conversation's messages as the agent's dashboard loads them. */
    async messages(): Promise<Array<{ author: string; body: string; clientId: string | null }>> {
      return (await agent.call(`/conversations/${conversation.id}/messages?limit=100`)).body.messages;
    },
  };
}

/** The plain text a mail client writes under a reply: the attribution and the quoted Parley email. */
export const QUOTED_HISTORY = [
  '',
  'On Tue, Mar 5, 2024 at 10:02 AM Test team <reply+tokentokentokentokentoken@reply.parley.test> wrote:',
  '',
  '> It left our warehouse this morning; it should arrive on Friday.',
  '>',
  '> Reply to this email to answer.',
].join('\n');
