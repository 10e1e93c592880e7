/**
 * The files of an email reply for the inbound-email tests (issue 12 with issue 13's attachments):
 * a screenshot PNG carrying a text chunk (metadata the upload path strips), a PDF, and an HTML
 * page the site must refuse — as nodemailer attachments — and what the agent should then see:
 * the message's attachments, and each file's bytes downloaded through its signed link.
 */
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { deflateSync } from 'node:zlib';
import { pdf, pngChunk } from './sample-files.ts';
import type { TestServer } from '../harness.ts';
import type { openEmailThread } from './email-thread.ts';

const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(1, 0); ihdr.writeUInt32BE(1, 4); ihdr[8] = 8; ihdr[9] = 0; // 1×1, 8-bit grey
const idat = deflateSync(Buffer.from([0, 0])); // one row: no filter, one black pixel
const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The PNG as the agent should download it: every chunk of the sent one but its metadata. */
export const cleanPng = Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
/** The PNG as the visitor's mail client sends it: with where it was made in a tEXt chunk. */
export const sentPng = Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('tEXt', Buffer.from('Comment\0Taken at 59.9N 10.7E', 'latin1')), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
export const invoicePdf = pdf('Invoice 1042 by email');
export const page = Buffer.from('<!doctype html><html><body><script>alert(1)</script>Order page</body></html>', 'utf8');

/** For nodemailer: what the visitor attached to their reply. */
export const replyAttachments = () => [
  { filename: 'screenshot.png', content: sentPng, contentType: 'image/png' },
  { filename: 'invoice.pdf', content: invoicePdf, contentType: 'application/pdf' },
  { filename: 'order.html', content: page, contentType: 'text/html' },
];

/** The message text that says what became of the HTML page. */
export const REFUSED_NOTE = `[Not attached: order.html (${page.length} B). This site does not accept files of this kind (the content is text/html, whatever its name says).]`;

type Thread = Awaited<ReturnType<typeof openEmailThread>>;

/** The conversation's files as the agent's API lists them, with each one's downloaded bytes. */
export async function downloadedFiles(server: TestServer, thread: Thread) {
  const list = await thread.agent.call(`/conversations/${thread.conversation.id}/attachments`);
  assert.equal(list.status, 200, JSON.stringify(list.body));
  return Promise.all(list.body.attachments.map(async (file: { id: string; name: string; type: string; size: number; messageId: string; url: string }) => {
    return { ...file, bytes: await fileBytes(`${server.url}${file.url}`) };
  }));
}

/** The reply landed once, with its PNG (stripped) and PDF byte for byte, and the HTML named. */
export async function assertFilesLanded(server: TestServer, thread: Thread, text: string) {
  const page = await thread.agent.call(`/conversations/${thread.conversation.id}/messages?limit=100`);
  const replies = page.body.messages.filter((m: { author: string; attachments?: unknown[] }) => m.author === 'visitor' && m.attachments);
  assert.equal(replies.length, 1, 'one message with files');
  const [reply] = replies;
  assert.equal(reply.body, `${text}\n\n${REFUSED_NOTE}`);
  assert.deepEqual(reply.attachments.map((a: { name: string; type: string; size: number }) => [a.name, a.type, a.size]),
    [['screenshot.png', 'image/png', cleanPng.length], ['invoice.pdf', 'application/pdf', invoicePdf.length]]);
  const files = await downloadedFiles(server, thread);
  assert.equal(files.length, 2, 'one copy of each file');
  const byName = Object.fromEntries(files.map((file) => [file.name, file]));
  assert.ok(byName['screenshot.png'].bytes.equals(cleanPng), 'the PNG downloads as sent, without its metadata');
  assert.ok(byName['invoice.pdf'].bytes.equals(invoicePdf), 'the PDF downloads byte for byte');
  assert.ok(files.every((file) => file.messageId === reply.id));
}

/**
 * A file's bytes by its signed link, on a connection of its own that closes after it: a download
 * left on a pooled keep-alive connection holds the app's close for its keep-alive timeout.
 */
export function fileBytes(url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false, headers: { connection: 'close' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk)).on('error', reject).on('end', () => {
        if (response.statusCode !== 200) reject(new Error(`download answered ${response.statusCode}`));
        else resolve(Buffer.concat(chunks));
      });
    }).on('error', reject);
  });
}
