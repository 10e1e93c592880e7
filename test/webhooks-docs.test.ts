/**
 * The verification examples of docs/webhooks.md, run as written (issue 15): the Node function is
 * imported from the page's `js` block, the Python one run by python3 from its `python` block, each
 * against a real delivery a real server sent to a receiver on loopback. A genuine delivery passes;
 * a changed body, another secret and a timestamp outside the replay window do not. (The PHP block
 * is not run: no PHP here.)
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { signWebhook } from '../server/webhooks/signature.ts';
import { newVisitor, startServer, type TestServer } from './harness.ts';
import { startWebhookReceiver, type ReceivedDelivery, type WebhookReceiver } from './support/webhook-receiver.ts';
import { Teardown } from './teardown.ts';

const page = readFileSync('docs/webhooks.md', 'utf8');
const block = (language: string) => {
  const found = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(page);
  assert.ok(found, `docs/webhooks.md has a ${language} block`);
  return found[1]!;
};

type Case = { secret: string; headers: Record<string, string>; body: string };

describe('docs/webhooks.md verification examples', () => {
  const teardown = new Teardown();
  const dir = teardown.add(mkdtempSync(join(tmpdir(), 'parley-webhook-docs-')), (path) => rmSync(path, { recursive: true, force: true }));
  let server: TestServer;
  let receiver: WebhookReceiver;
  let delivery: ReceivedDelivery;
  const secret = 'whsec_documented-secret-0123456789';

  before(async () => {
    receiver = teardown.add(await startWebhookReceiver(), (r) => r.close());
    server = teardown.add(await startServer({ webhooksAllowPrivate: true }), (s) => s.close());
    await server.store.createWebhookEndpoint({ siteId: server.site.id, url: receiver.url, description: '', events: ['message.visitor'], enabled: true, secret });
    server.app.webhooks.endpointsChanged();
    const visitor = await newVisitor(server);
    const conversation = await visitor.start();
    await visitor.send(conversation.id, 'Ünïcode and "quotes" survive the signature ✓');
    await server.app.webhooks.tick();
    [delivery] = await receiver.waitFor(1);
  });
  after(() => teardown.run());

  /** The genuine delivery, and three that must be refused. */
  const cases = (): Array<[string, Case, boolean]> => {
    const headers = { timestamp: String(delivery.headers['x-parley-timestamp']), signature: String(delivery.headers['x-parley-signature']) };
    const old = Math.floor(Date.now() / 1000) - 600;
    return [
      ['the delivery as received', { secret, headers: { ...headers }, body: delivery.raw }, true],
      ['a changed body', { secret, headers: { ...headers }, body: delivery.raw.replace('quotes', 'QUOTES') }, false],
      ['another secret', { secret: 'whsec_not-the-one', headers: { ...headers }, body: delivery.raw }, false],
      ['a correctly signed delivery from 10 minutes ago', { secret, headers: { timestamp: String(old), signature: signWebhook(secret, old, delivery.raw) }, body: delivery.raw }, false],
    ];
  };

  it('the Node example accepts the genuine delivery only', async () => {
    const file = join(dir, 'verify.mjs');
    writeFileSync(file, block('js'));
    const { verifyParley } = await import(pathToFileURL(file).href) as { verifyParley: (secret: string, headers: object, body: string) => boolean };
    for (const [what, { secret: key, headers, body }, expected] of cases()) {
      assert.equal(verifyParley(key, { 'x-parley-timestamp': headers.timestamp, 'x-parley-signature': headers.signature }, body), expected, what);
    }
  });

  it('the Python example accepts the genuine delivery only', () => {
    const file = join(dir, 'verify.py');
    writeFileSync(file, `${block('python')}
import json, sys
for case in json.load(sys.stdin):
    headers = {"X-Parley-Timestamp": case["headers"]["timestamp"], "X-Parley-Signature": case["headers"]["signature"]}
    print(verify_parley(case["secret"], headers, case["body"].encode("utf-8")))
`);
    const answers = execFileSync('python3', [file], { input: JSON.stringify(cases().map(([, c]) => c)), encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(answers, cases().map(([, , expected]) => (expected ? 'True' : 'False')));
  });
});
