/**
 * API tokens (issue 15) in cluster mode: two real Parley processes on one PostgreSQL database. A
 * token made on one works on the other, and once revoked on one it is refused by the other on the
 * very next request, and its stream there ends within moments. Runs when TEST_DATABASE_URL is set.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type Cluster, type ClusterNode } from './cluster-world.ts';
import { http, PASSWORD } from './harness.ts';
import { openSse } from './sse-client.ts';
import { Teardown } from './teardown.ts';

const adminUrl = process.env.TEST_DATABASE_URL;

describe('API tokens across server processes', () => {
  if (!adminUrl) return; // No PostgreSQL configured: test/api-tokens-live.test.ts covers two servers on one SQLite file.
  const teardown = new Teardown();
  let cluster: Cluster;
  let a: ClusterNode, b: ClusterNode;

  before(async () => {
    cluster = teardown.add(await startCluster(adminUrl), (it) => it.close());
    [a, b] = await Promise.all([cluster.start('node-a'), cluster.start('node-b')]);
  });
  after(() => teardown.run());

  it('refuses a token revoked on one process at once on another, and ends its stream there', async () => {
    const login = await http(`${a.url}/v1/agent/login`, { method: 'POST', json: { email: 'owner@test.local', password: PASSWORD } });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const session = { cookie: login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '), 'x-parley-csrf': login.body.csrfToken as string };
    const made = await http(`${a.url}/v1/admin/api-tokens`, { method: 'POST', json: { name: 'Cluster sync', scope: 'read-write', siteIds: [cluster.site.id] }, headers: session });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    const bearer = { authorization: `Bearer ${made.body.secret}` };

    const me = await http(`${b.url}/v1/agent/me`, { headers: bearer });
    assert.equal(me.status, 200, 'made on one process, it works on the other');
    assert.equal(me.body.user.id, cluster.owner.id);
    const stream = await openSse(`${b.url}/v1/agent/stream`, bearer);
    assert.equal(stream.status, 200);

    const revoked = await http(`${a.url}/v1/admin/api-tokens/${made.body.token.id}`, { method: 'DELETE', headers: session });
    assert.equal(revoked.status, 200);
    const refused = await http(`${b.url}/v1/agent/conversations`, { headers: bearer });
    assert.deepEqual([refused.status, refused.body.error.code], [401, 'PARLEY_ERR_TOKEN_REVOKED'], 'the very next request on the other process');
    const goodbye = await stream.until((e) => e.event === 'goodbye');
    assert.equal(goodbye.data.reason, 'revoked');
    await stream.ended;
  });
});
