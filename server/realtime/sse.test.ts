import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSse, formatSseComment, SSE_HEARTBEAT } from './sse.ts';

test('frames an event with id, type and JSON data, byte for byte', () => {
  assert.equal(
    formatSse({ id: '42', event: 'message', data: { body: 'hi' } }),
    'id: 42\nevent: message\ndata: {"body":"hi"}\n\n',
  );
});

test('puts the retry hint first and floors it', () => {
  assert.equal(formatSse({ retry: 2500.7, data: 'x' }), 'retry: 2500\ndata: x\n\n');
});

test('splits multi-line string data into one data line per line, whatever the line break', () => {
  assert.equal(formatSse({ data: 'a\nb\r\nc\rd' }), 'data: a\ndata: b\ndata: c\ndata: d\n\n');
});

test('cannot be broken out of by a newline in the id or event type', () => {
  const frame = formatSse({ id: '1\n\nevent: reset', event: 'message\r\ndata: evil', data: 'ok' });
  assert.equal(frame, 'id: 1event: reset\nevent: messagedata: evil\ndata: ok\n\n');
  assert.equal(frame.split('\n\n').length, 2, 'exactly one frame');
});

test('drops NUL from ids, which browsers would otherwise ignore', () => {
  assert.equal(formatSse({ id: '7\0' }), 'id: 7\n\n');
});

test('keeps a JSON body with newlines inside strings on one data line', () => {
  assert.equal(formatSse({ data: { body: 'line1\nline2' } }), 'data: {"body":"line1\\nline2"}\n\n');
});

test('formats heartbeat comments that cannot carry a frame', () => {
  assert.equal(formatSseComment('hb'), ': hb\n\n');
  assert.equal(formatSseComment('a\n\ndata: x'), ': adata: x\n\n');
});

test('sends heartbeats as a comment plus an id-less hb event that EventSource can see', () => {
  assert.equal(SSE_HEARTBEAT, ': hb\nevent: hb\ndata: 1\n\n');
  assert.ok(!SSE_HEARTBEAT.includes('id:'), 'never moves the resume cursor');
});
