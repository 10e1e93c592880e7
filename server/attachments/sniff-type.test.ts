import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { docx, htmlAsPng, jpegWithMetadata, odt, pdf, pngWithMetadata, svg, zipEntry } from '../../test/support/sample-files.ts';
import { sniffType } from './sniff-type.ts';

describe('file types by content', () => {
  it('tells images, PDF, text and office documents by their first bytes', () => {
    assert.equal(sniffType(pngWithMetadata()), 'image/png');
    assert.equal(sniffType(jpegWithMetadata()), 'image/jpeg');
    assert.equal(sniffType(Buffer.from('GIF89a\x01\x00', 'latin1')), 'image/gif');
    assert.equal(sniffType(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1')), 'image/webp');
    assert.equal(sniffType(pdf()), 'application/pdf');
    assert.equal(sniffType(Buffer.from('Order 42 — Ærø, 東京\nline two\n')), 'text/plain');
    assert.equal(sniffType(docx()), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    assert.equal(sniffType(Buffer.concat([zipEntry('[Content_Types].xml'), zipEntry('xl/workbook.xml')])), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.equal(sniffType(odt()), 'application/vnd.oasis.opendocument.text');
    assert.equal(sniffType(zipEntry('holiday/photo.jpg')), 'application/zip');
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504), Buffer.from('WordDocument', 'utf16le')]);
    assert.equal(sniffType(ole), 'application/msword');
  });

  it('calls HTML, SVG and XML what they are, whatever the name, and binaries unknown', () => {
    assert.equal(sniffType(htmlAsPng()), 'text/html');
    assert.equal(sniffType(Buffer.from('  \n<html><body>hi')), 'text/html');
    assert.equal(sniffType(svg()), 'image/svg+xml');
    assert.equal(sniffType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')), 'image/svg+xml');
    assert.equal(sniffType(Buffer.from('<?xml version="1.0"?><a/>')), 'application/xml');
    assert.equal(sniffType(Buffer.from('\uFEFF<script>alert(1)</script>')), 'text/html');
    assert.equal(sniffType(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0])), 'application/octet-stream');
    assert.equal(sniffType(Buffer.from([0xc3, 0x28, 0x41])), 'application/octet-stream', 'not UTF-8');
  });

  it('takes text cut in the middle of a character at the edge of what it sees as text', () => {
    const text = Buffer.from('é'.repeat(10));
    assert.equal(sniffType(text.subarray(0, 19)), 'text/plain');
  });
});
