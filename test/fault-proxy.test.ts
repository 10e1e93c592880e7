/**
 * The fault proxy itself, against a plain TCP server, so the fault tests can trust what it does:
 * a cut falls exactly where asked, a stall passes nothing and no FIN, a blackhole never answers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { startFaultProxy, type FaultProxy } from './fault-proxy.ts';
import { waitFor } from './wait-for.ts';

/** A client socket that records what it receives and whether the other side has gone. */
async function dial(port: number) {
  const socket = connect(port, '127.0.0.1');
  const state = { socket, received: '', ended: false };
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (state.received += chunk));
  socket.on('end', () => (state.ended = true));
  socket.on('close', () => (state.ended = true));
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('connect', resolve));
  return state;
}

describe('fault proxy', () => {
  let upstream: Server;
  const accepted: Array<{ socket: Socket; received: string; ended: boolean }> = [];
  let proxy: FaultProxy | undefined;

  before(async () => {
    upstream = createServer((socket) => {
      const peer = { socket, received: '', ended: false };
      accepted.push(peer);
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => (peer.received += chunk));
      socket.on('close', () => (peer.ended = true));
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    proxy = await startFaultProxy({ port: (upstream.address() as { port: number }).port });
  });
  after(async () => {
    await proxy?.close();
    for (const peer of accepted) peer.socket.destroy();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  /** A client through the proxy and the server's side of the same connection, once `hello` went through. */
  async function pair(hello = 'x') {
    const index = accepted.length;
    const client = await dial(proxy!.port);
    client.socket.write(hello);
    const server = await waitFor(() => accepted[index]?.received === hello && accepted[index]);
    return { client, server, connection: proxy!.connections.at(-1)! };
  }

  it('passes bytes both ways, then cuts both sides right after a given text, mid-frame', async () => {
    const { client, server, connection } = await pair('GET /stream HTTP/1.1\r\n\r\n');
    assert.equal(connection.request, 'GET /stream HTTP/1.1');
    server.socket.write('id: 1\ndata: one\n\n');
    await waitFor(() => client.received.endsWith('one\n\n'));
    connection.cut({ after: 'data: tw', afterBytes: 1 });
    server.socket.write('id: 2\ndata: two\n\nid: 3\ndata: three\n\n');
    await waitFor(() => client.ended && server.ended, { message: 'both sides closed' });
    assert.equal(client.received, 'id: 1\ndata: one\n\nid: 2\ndata: two');
    assert.ok(connection.closed);
    assert.ok(connection.tail.endsWith('data: two'));
  });

  it('stalls without passing anything or a FIN, then delivers what it held, in order, on resume', async () => {
    const { client, server } = await pair('hello ');
    proxy!.stall();
    client.socket.write('while stalled');
    server.socket.write('reply while stalled');
    server.socket.end();
    // Nothing may arrive while stalled: no condition to wait for, so a short look is all there is.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(client.received, '');
    assert.equal(client.ended, false, 'no FIN through a stall');
    assert.equal(server.received, 'hello ');
    proxy!.resume();
    await waitFor(() => client.received === 'reply while stalled' && client.ended);
    await waitFor(() => server.received === 'hello while stalled');
  });

  it('adds latency without reordering', async () => {
    const { client, server, connection } = await pair();
    connection.delay(150);
    const sent = Date.now();
    server.socket.write('a');
    await waitFor(() => connection.held > 0, { message: 'the proxy holding the first chunk' });
    connection.delay(0);
    server.socket.write('b');
    await waitFor(() => client.received === 'ab');
    assert.ok(Date.now() - sent >= 140, 'the first chunk waited out its delay, and the second waited behind it');
    client.socket.destroy();
  });

  it('stops reading from the server on pauseUpstream, so the server\'s writes back up', async () => {
    const { client, server } = await pair();
    proxy!.pauseUpstream();
    const chunk = Buffer.alloc(64 * 1024, 'z');
    let written = 0;
    while (server.socket.write(chunk) && written < 1024) written++;
    assert.ok(written < 1024, 'the server\'s socket reports backpressure');
    await new Promise((resolve) => setTimeout(resolve, 100)); // a short look: the rest may not come
    assert.ok(client.received.length < (written + 1) * chunk.length, 'the client did not get it all');
    client.socket.write('still talking');
    await waitFor(() => server.received.endsWith('still talking'), { message: 'client to server still flows' });
    client.socket.destroy();
  });

  it('accepts blackholed connections and never answers them, and closes everything on close()', async () => {
    proxy!.blackhole();
    const before = accepted.length;
    const client = await dial(proxy!.port);
    client.socket.write('GET / HTTP/1.1\r\n\r\n');
    await waitFor(() => proxy!.accepted > 0 && !client.ended);
    await new Promise((resolve) => setTimeout(resolve, 100)); // a short look: nothing may come
    assert.equal(accepted.length, before, 'no connection to the server');
    assert.equal(client.received, '');
    proxy!.resume();
    const open = await dial(proxy!.port);
    await waitFor(() => accepted.length === before + 1, { message: 'new connections pass again' });
    await proxy!.close();
    await waitFor(() => client.ended && open.ended && accepted.at(-1)!.ended, { message: 'every socket closed' });
    proxy = undefined;
  });
});
