/**
 * The files of an email reply on both storage setups (issue 12 with issue 13): SQLite with files
 * on disk, and PostgreSQL with files in the database (with TEST_DATABASE_URL). A reply with a PNG,
 * a PDF and an HTML page comes in by the webhook, twice: the message carries the two files the
 * site takes, they download as sent (the PNG without its metadata), the page is named, and the
 * file storage holds one copy of each.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nanoid } from 'nanoid';
import { createTransport } from 'nodemailer';
import { INBOUND_PATHS } from '../protocol/protocol.ts';
import { agentOf, startAttachmentWorld, visitorOf, type AttachmentWorld, type Backend } from './support/attachment-world.ts';
import { REFUSED_NOTE, cleanPng, fileBytes, invoicePdf, replyAttachments } from './support/email-files.ts';
import { REPLY_DOMAIN } from './support/email-thread.ts';
import { http } from './harness.ts';
import { Teardown } from './teardown.ts';

const backends: Backend[] = ['sqlite+disk', ...(process.env.TEST_DATABASE_URL ? ['postgres+database' as const] : [])];
const SECRET = 'inbound-files-secret-0123456789';
const compose = createTransport({ streamTransport: true, buffer: true, newline: 'crlf' });

for (const backend of backends) {
  describe(`email reply files (${backend})`, () => {
    const teardown = new Teardown();
    let world: AttachmentWorld;
    before(async () => {
      world = teardown.add(await startAttachmentWorld(backend, { inboundEmailDomain: REPLY_DOMAIN, inboundWebhookSecret: SECRET }), (w) => w.close());
    });
    after(() => teardown.run());

    it('attaches the PNG and PDF of a reply delivered twice once each, and names the HTML page it refused', async () => {
      const visitor = await visitorOf(world);
      const visitorEmail = `ann-${nanoid(6)}@example.com`.toLowerCase();
      assert.equal((await visitor.call('/visitor', { method: 'PATCH', json: { email: visitorEmail } })).status, 200);
      const conversation = await visitor.start();
      assert.equal((await visitor.send(conversation, { body: 'My order page is broken.' })).status, 200);
      const token = await world.store.replyToken(conversation);
      await world.store.recordSentEmail({ messageId: `${nanoid()}@parley.test`, conversationId: conversation, to: visitorEmail, sentAt: Date.now() });

      const email = (await compose.sendMail({
        from: visitorEmail, to: `reply+${token}@${REPLY_DOMAIN}`, subject: 'Re: Your question', messageId: `<files-${token}@mail.example.com>`,
        text: 'This is what I see.', attachments: replyAttachments(),
      })).message as Buffer;
      const post = () => http(`${world.url}${INBOUND_PATHS.email}`, { method: 'POST', headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'message/rfc822' }, body: new Uint8Array(email) });
      const first = await post();
      assert.deepEqual([first.status, first.body.duplicate], [200, false], JSON.stringify(first.body));
      const again = await post();
      assert.deepEqual([again.status, again.body.duplicate, again.body.messageId], [200, true, first.body.messageId]);

      const alice = await agentOf(world, 'alice@test.local');
      const reply = (await alice.call(`/v1/agent/conversations/${conversation}/messages`)).body.messages.find((m: { id: string }) => m.id === first.body.messageId);
      assert.equal(reply.body, `This is what I see.\n\n${REFUSED_NOTE}`);
      assert.deepEqual(reply.attachments.map((a: { name: string }) => a.name), ['screenshot.png', 'invoice.pdf']);
      const files = (await alice.files(conversation)).body.attachments;
      assert.equal(files.length, 2);
      const bytes = async (name: string) => fileBytes(`${world.url}${files.find((f: { name: string }) => f.name === name).url}`);
      assert.ok((await bytes('screenshot.png')).equals(cleanPng), 'the PNG, without its metadata');
      assert.ok((await bytes('invoice.pdf')).equals(invoicePdf), 'the PDF, byte for byte');
      assert.equal(await world.storedFiles(), 2, 'one stored copy of each file');
    });
  });
}
