/**
 * Attachments over real HTTP (issue 13), on SQLite with files on disk and on PostgreSQL with files
 * in the database (with TEST_DATABASE_URL): every safety rule of the issue, as a client sees it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { nanoid } from 'nanoid';
import { signLink } from '../server/attachments/signed-link.ts';
import { LIMITS } from '../protocol/protocol.ts';
import { systemClock, type Clock } from '../server/clock.ts';
import { housekeeping } from '../server/housekeeping.ts';
import { htmlAsPng, jpegWithMetadata, pdf, pngWithMetadata } from './support/sample-files.ts';
import { agentOf, download, startAttachmentWorld, visitorOf, type AttachmentWorld, type Backend } from './support/attachment-world.ts';
import { Teardown } from './teardown.ts';

const backends: Backend[] = ['sqlite+disk', ...(process.env.TEST_DATABASE_URL ? ['postgres+database' as const] : [])];

for (const backend of backends) {
  describe(`attachments over HTTP (${backend})`, () => {
    const teardown = new Teardown();
    // The server's time, which a test may move a day on (the store's and the sweep's alike).
    let shift = 0;
    const clock: Clock = { ...systemClock, now: () => Date.now() + shift };
    let world: AttachmentWorld;
    // Logged in once each: logins are limited to ten a minute.
    let owner: Awaited<ReturnType<typeof agentOf>>;
    let alice: Awaited<ReturnType<typeof agentOf>>;
    before(async () => {
      world = teardown.add(await startAttachmentWorld(backend, { visitorUploadRateLimit: 12, clock }), (w) => w.close());
      owner = await agentOf(world, 'owner@test.local');
      alice = await agentOf(world, 'alice@test.local');
    });
    after(() => teardown.run());

    const setSite = async (attachments: object) => {
      const result = await owner.call(`/v1/admin/sites/${world.site.id}`, { method: 'PATCH', json: { widget: { attachments: { ...world.site.widget.attachments, ...attachments } } } });
      assert.equal(result.status, 200, JSON.stringify(result.body));
      world.app.services.sites.invalidate(world.site.id);
    };

    it('takes a visitor\'s screenshot and PDF with a caption, strips the photo\'s metadata, and gives the agent byte-identical downloads', async () => {
      const visitor = await visitorOf(world);
      const conversation = await visitor.start();
      const shot = await visitor.upload(conversation, pngWithMetadata(), 'Screenshot 2024.png');
      assert.equal(shot.status, 201, JSON.stringify(shot.body));
      assert.equal(shot.body.attachment.type, 'image/png');
      assert.match(shot.body.attachment.id, /^f_[A-Za-z0-9_-]{16}$/, 'an unguessable id');
      const invoice = pdf('Invoice 42');
      const doc = await visitor.upload(conversation, invoice, 'invoice.pdf');
      assert.equal(doc.body.attachment.size, invoice.length);
      const sent = await visitor.send(conversation, { body: 'Here is the error and my invoice', attachmentIds: [shot.body.attachment.id, doc.body.attachment.id] });
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      assert.deepEqual(sent.body.message.attachments.map((a: { name: string }) => a.name), ['Screenshot 2024.png', 'invoice.pdf']);

      const history = await alice.call(`/v1/agent/conversations/${conversation}/messages`);
      assert.deepEqual(history.body.messages[0].attachments, sent.body.message.attachments);
      const list = await alice.files(conversation);
      assert.equal(list.status, 200);
      const byName = Object.fromEntries(list.body.attachments.map((a: { name: string }) => [a.name, a]));
      const png = await download(world, byName['Screenshot 2024.png'].url);
      assert.equal(png.status, 200);
      assert.equal(png.headers.get('content-type'), 'image/png');
      assert.match(png.headers.get('content-disposition')!, /^inline; filename="Screenshot 2024.png"/, 'a picture may show inline');
      assert.ok(!png.bytes.toString('latin1').includes('eXIf') && !png.bytes.toString('latin1').includes('Ada at'), 'no metadata left');
      assert.equal(png.bytes.length, shot.body.attachment.size);
      const file = await download(world, byName['invoice.pdf'].url);
      assert.ok(file.bytes.equals(invoice), 'the PDF is byte-identical');
      assert.match(file.headers.get('content-disposition')!, /^attachment; filename="invoice.pdf"/);
      for (const response of [png, file]) {
        assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
        assert.match(response.headers.get('content-security-policy')!, /sandbox/);
      }
      const forced = await download(world, `${byName['Screenshot 2024.png'].url}&download=1`);
      assert.match(forced.headers.get('content-disposition')!, /^attachment;/);
      // The visitor sees the same files.
      assert.deepEqual((await visitor.files(conversation)).body.attachments.map((a: { id: string }) => a.id).sort(), list.body.attachments.map((a: { id: string }) => a.id).sort());
    });

    it('has ended a download when its last byte arrives, so a server shutting down closes that connection at once', async () => {
      // The server's side of each download: a response still open when the client has every byte
      // keeps its keep-alive connection busy, and a closing server then waits for it (72 s).
      const responses: ServerResponse[] = [];
      const watch = (request: IncomingMessage, response: ServerResponse) => { if (request.url?.startsWith('/v1/files/')) responses.push(response); };
      world.app.server.on('request', watch);
      try {
        const visitor = await visitorOf(world);
        const conversation = await visitor.start();
        // Small (one read of the storage) and several reads long.
        const files = [pdf('small'), Buffer.concat([pdf('large'), Buffer.alloc(700_000, 'x')])];
        const ids: string[] = [];
        for (const [i, bytes] of files.entries()) ids.push((await visitor.upload(conversation, bytes, `${i}.pdf`)).body.attachment.id);
        await visitor.send(conversation, { attachmentIds: ids });
        const links = (await visitor.files(conversation)).body.attachments as Array<{ id: string; url: string }>;
        for (const [i, bytes] of files.entries()) {
          const file = await download(world, links.find((link) => link.id === ids[i])!.url);
          assert.ok(file.bytes.equals(bytes), 'byte-identical');
          assert.equal(responses.length, i + 1);
          assert.equal(responses[i]!.writableEnded, true, 'the response ended with its last byte, not on a later read finding nothing more');
        }
      } finally {
        world.app.server.off('request', watch);
      }
    });

    it('strips a phone photo\'s location and camera but keeps its orientation', async () => {
      const visitor = await visitorOf(world);
      const conversation = await visitor.start();
      const up = await visitor.upload(conversation, jpegWithMetadata(), 'IMG_0001.JPG');
      assert.equal(up.status, 201, JSON.stringify(up.body));
      await visitor.send(conversation, { attachmentIds: [up.body.attachment.id] });
      const [link] = (await visitor.files(conversation)).body.attachments;
      const photo = await download(world, link.url);
      const text = photo.bytes.toString('latin1');
      assert.ok(!text.includes('PhoneCo') && !text.includes('GPSLatitude') && !text.includes('taken at home'));
      assert.ok(photo.bytes.includes(Buffer.from('Exif\0\0', 'latin1')), 'a minimal Exif with the orientation');
    });

    it('stores a retried upload once and answers the retry with the same file', async () => {
      const visitor = await visitorOf(world);
      const conversation = await visitor.start();
      const before = await world.storedFiles();
      const clientId = nanoid();
      const attempts = await Promise.all([1, 2, 3].map(() => visitor.upload(conversation, pdf('retry'), 'retry.pdf', clientId)));
      assert.equal(new Set(attempts.map((a) => a.body.attachment.id)).size, 1);
      assert.deepEqual(attempts.map((a) => a.status).sort(), [200, 200, 201]);
      const again = await visitor.upload(conversation, pdf('retry'), 'retry.pdf', clientId);
      assert.equal(again.status, 200);
      assert.equal(await world.storedFiles(), before + 1, 'one file stored');
      // A message retried with the same clientId and files is one message too.
      const clientIdOfMessage = nanoid();
      const [a, b] = await Promise.all([1, 2].map(() => visitor.send(conversation, { clientId: clientIdOfMessage, attachmentIds: [again.body.attachment.id] })));
      assert.equal(a!.body.message.id, b!.body.message.id);
    });

    it('refuses an oversized file with PARLEY_ERR_ATTACHMENT_TOO_LARGE, by its length or while it streams, and stores nothing', async () => {
      await setSite({ maxBytes: 64 * 1024 });
      try {
        const visitor = await visitorOf(world);
        const conversation = await visitor.start();
        const before = await world.storedFiles();
        const big = await visitor.upload(conversation, Buffer.alloc(65 * 1024, 'a'), 'big.txt');
        assert.equal(big.status, 413);
        assert.equal(big.body.error.code, 'PARLEY_ERR_ATTACHMENT_TOO_LARGE');
        assert.equal(big.body.error.details.maxBytes, 64 * 1024);
        // No length given, 200 MB on the way: cut at the limit, the rest never read.
        const streamed = await new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
          let sent = 0;
          const url = new URL(`${world.url}/v1/sites/${world.site.id}/conversations/${conversation}/attachments?clientId=${nanoid()}&name=huge.txt`);
          const req = httpRequest(url, { method: 'POST', headers: { ...visitor.auth, 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' } }, (res) => {
            let body = '';
            res.on('data', (chunk) => (body += chunk));
            res.on('end', () => resolve({ status: res.statusCode!, body, sent }));
          });
          req.on('error', (error) => (sent > 0 ? undefined : reject(error)));
          const chunk = Buffer.alloc(64 * 1024, 'b');
          const pump = () => {
            while (sent < 200 * 1024 * 1024 && !req.destroyed) {
              sent += chunk.length;
              if (!req.write(chunk)) return void req.once('drain', pump);
            }
            req.end();
          };
          pump();
        });
        assert.equal(streamed.status, 413);
        assert.equal(JSON.parse(streamed.body).error.code, 'PARLEY_ERR_ATTACHMENT_TOO_LARGE');
        assert.ok(streamed.sent < 100 * 1024 * 1024, `the server stopped reading long before the end (${streamed.sent} B sent)`);
        assert.equal(await world.storedFiles(), before);
      } finally {
        await setSite({ maxBytes: 10 * 1024 * 1024 });
      }
    });

    it('refuses an HTML page named .png with PARLEY_ERR_ATTACHMENT_TYPE_REFUSED, and a type the site does not allow', async () => {
      const visitor = await visitorOf(world);
      const conversation = await visitor.start();
      const html = await visitor.upload(conversation, htmlAsPng(), 'cute-cat.png', nanoid(), { 'content-type': 'image/png' });
      assert.equal(html.status, 415);
      assert.equal(html.body.error.code, 'PARLEY_ERR_ATTACHMENT_TYPE_REFUSED');
      assert.equal(html.body.error.details.type, 'text/html');
      assert.match(html.body.error.message, /whatever its name says/);
      await setSite({ types: ['image/png'] });
      try {
        const refused = await visitor.upload(conversation, pdf(), 'a.pdf');
        assert.equal(refused.body.error.code, 'PARLEY_ERR_ATTACHMENT_TYPE_REFUSED');
        assert.deepEqual(refused.body.error.details.allowed, ['image/png']);
      } finally {
        await setSite({ types: world.site.widget.attachments.types });
      }
    });

    it('refuses visitors\' files when the site turns them off, while agents may still send some', async () => {
      const visitor = await visitorOf(world);
      const conversation = await visitor.start();
      await setSite({ visitors: false });
      try {
        const off = await visitor.upload(conversation, pdf(), 'a.pdf');
        assert.equal(off.status, 403);
        assert.equal(off.body.error.code, 'PARLEY_ERR_ATTACHMENTS_OFF');
          const up = await alice.upload(conversation, pdf(), 'terms.pdf');
        assert.equal(up.status, 201);
        assert.equal((await alice.send(conversation, { body: 'Our terms', attachmentIds: [up.body.attachment.id] })).status, 200);
      } finally {
        await setSite({ visitors: true });
      }
    });

    it('never lets a visitor reach another visitor\'s files (404), nor send them', async () => {
      const ann = await visitorOf(world);
      const bo = await visitorOf(world);
      const annConversation = await ann.start();
      const boConversation = await bo.start();
      const up = await ann.upload(annConversation, pdf('private'), 'private.pdf');
      await ann.send(annConversation, { attachmentIds: [up.body.attachment.id] });
      const list = await bo.files(annConversation);
      assert.equal(list.status, 404);
      assert.equal(list.body.error.code, 'PARLEY_ERR_CONVERSATION_NOT_FOUND');
      assert.equal((await bo.upload(annConversation, pdf(), 'x.pdf')).status, 404);
      const stolen = await bo.send(boConversation, { attachmentIds: [up.body.attachment.id] });
      assert.equal(stolen.status, 409);
      assert.equal(stolen.body.error.code, 'PARLEY_ERR_ATTACHMENT_UNUSABLE');
      // A link is for one file, until it expires; a forged or expired one is refused.
      const [link] = (await ann.files(annConversation)).body.attachments;
      const forged = await download(world, link.url.replace(/sig=[^&]+/, 'sig=AAAA'));
      assert.equal(forged.status, 403);
      const expired = signLink(world.app.services.serverSecret, up.body.attachment.id, Date.now() - LIMITS.attachmentLinkTtlMs - 120_000);
      const old = await download(world, expired.url);
      assert.equal(old.status, 403);
      assert.equal(JSON.parse(old.bytes.toString()).error.code, 'PARLEY_ERR_LINK_EXPIRED');
      const otherFile = await download(world, link.url.replace(up.body.attachment.id, 'f_AAAAAAAAAAAAAAAA'));
      assert.equal(otherFile.status, 403, 'a link does not open another file');
    });

    it('keeps an internal note\'s files from the visitor', async () => {
      const visitor = await visitorOf(world);
      const conversation = await visitor.start();
      const up = await alice.upload(conversation, pdf('internal'), 'notes.pdf');
      assert.equal((await alice.send(conversation, { body: 'for the team', internal: true, attachmentIds: [up.body.attachment.id] })).status, 200);
      assert.deepEqual((await visitor.files(conversation)).body.attachments, []);
      assert.equal((await alice.files(conversation)).body.attachments[0].internal, true);
      const { body } = await visitor.call(`/conversations/${conversation}/messages`);
      assert.ok(!JSON.stringify(body).includes(up.body.attachment.id));
    });

    it('lists a visitor\'s files for agents of the site only, and a site\'s storage for its owner', async () => {
      const visitor = await visitorOf(world);
      const conversation = await visitor.start();
      const up = await visitor.upload(conversation, pdf('usage'), 'usage.pdf');
      await visitor.send(conversation, { attachmentIds: [up.body.attachment.id] });
      const files = await alice.call(`/v1/agent/visitors/${visitor.id}/attachments`);
      assert.deepEqual(files.body.attachments.map((a: { name: string }) => a.name), ['usage.pdf']);
      const usage = await owner.call(`/v1/admin/sites/${world.site.id}/attachments/usage`);
      assert.equal(usage.status, 200);
      assert.ok(usage.body.files >= 1 && usage.body.bytes >= pdf('usage').length);
      assert.equal((await alice.call(`/v1/admin/sites/${world.site.id}/attachments/usage`)).status, 403);
      const stranger = await world.store.createSite({ name: 'Elsewhere', allowedOrigins: [], widget: world.site.widget, secret: 's'.repeat(24) });
      const outsider = await world.store.createVisitor({ siteId: stranger.id, tokenHash: nanoid(), context: {} });
      assert.equal((await alice.call(`/v1/agent/visitors/${outsider.id}/attachments`)).status, 404);
    });

    it('limits how many files a visitor uploads a minute', async () => {
      const visitor = await visitorOf(world);
      const conversation = await visitor.start();
      const results = [];
      for (let i = 0; i < 13; i++) results.push((await visitor.upload(conversation, pdf(`n${i}`), `${i}.pdf`)).status);
      assert.deepEqual(results.slice(0, 12).filter((s) => s !== 201), []);
      assert.equal(results[12], 429);
    });

    it('deletes a visitor\'s files with their data, at once, and unsent uploads after a day', async () => {
      const visitor = await visitorOf(world);
      const conversation = await visitor.start();
      const up = await visitor.upload(conversation, pdf('forget me'), 'forget.pdf');
      await visitor.send(conversation, { attachmentIds: [up.body.attachment.id] });
      const unsentOwner = await visitorOf(world);
      const unsentConversation = await unsentOwner.start();
      const unsent = await unsentOwner.upload(unsentConversation, pdf('never sent'), 'draft.pdf');
      const [link] = (await visitor.files(conversation)).body.attachments;
      const before = await world.storedFiles();
      assert.equal((await owner.call(`/v1/admin/visitors/${visitor.id}`, { method: 'DELETE' })).status, 204);
      assert.equal(await world.storedFiles(), before - 1, 'the bytes are gone from storage');
      assert.equal((await download(world, link.url)).status, 404);
      // A day later the unsent upload goes too; sent files stay.
      const kept = (await visitorOf(world));
      const keptConversation = await kept.start();
      const keptUp = await kept.upload(keptConversation, pdf('kept'), 'kept.pdf');
      await kept.send(keptConversation, { attachmentIds: [keptUp.body.attachment.id] });
      shift = 25 * 3600_000;
      try {
        assert.ok((await housekeeping(world.app.services)).files >= 1);
      } finally {
        shift = 0;
      }
      assert.equal(await world.files.get(unsent.body.attachment.id), null, 'its bytes are gone');
      assert.ok(await world.files.get(keptUp.body.attachment.id), 'a sent file stays');
      assert.equal(await world.store.getAttachment(unsent.body.attachment.id), null);
    });
  });
}

if (process.env.TEST_DATABASE_URL) {
  describe('attachments in a cluster (PostgreSQL, files in the database)', () => {
    const teardown = new Teardown();
    after(() => teardown.run());

    it('serves a file uploaded through one process from another, byte for byte', async () => {
      const world = teardown.add(await startAttachmentWorld('postgres+database'), (w) => w.close());
      const other = await world.second();
      const visitor = await visitorOf(world);
      const conversation = await visitor.start();
      const big = Buffer.concat([pdf('cluster'), Buffer.alloc(900_000, 'x')]);
      const up = await visitor.upload(conversation, big, 'big.pdf');
      assert.equal(up.status, 201);
      await visitor.send(conversation, { attachmentIds: [up.body.attachment.id] });
      const viaOther = await visitorOf({ url: other.url, site: world.site });
      assert.equal((await viaOther.files(conversation)).status, 404, 'another visitor, through the other node: still 404');
      const list = await fetch(`${other.url}/v1/sites/${world.site.id}/conversations/${conversation}/attachments`, { headers: visitor.auth }).then((r) => r.json());
      const file = await download({ url: other.url }, list.attachments[0].url);
      assert.equal(file.status, 200);
      assert.ok(file.bytes.equals(big));
    });
  });
}
