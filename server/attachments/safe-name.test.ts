import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contentDisposition, safeFileName } from './safe-name.ts';

describe('safe file names', () => {
  it('keeps a plain name as it is', () => {
    assert.equal(safeFileName('Invoice 2024-03.pdf', 'application/pdf'), 'Invoice 2024-03.pdf');
    assert.equal(safeFileName('Skjermbilde 2024 kl. 10.42.png', 'image/png'), 'Skjermbilde 2024 kl. 10.42.png');
    assert.equal(safeFileName('写真.jpeg', 'image/jpeg'), '写真.jpeg');
  });

  it('drops paths, control and bidi characters, reserved characters and leading dots', () => {
    assert.equal(safeFileName('../../etc/passwd', 'text/plain'), 'passwd.txt');
    assert.equal(safeFileName('C:\\Users\\ada\\report.pdf', 'application/pdf'), 'report.pdf');
    assert.equal(safeFileName('invoice\u202Egnp.exe', 'application/pdf'), 'invoicegnp.exe.pdf', 'no right-to-left override to disguise the extension');
    assert.equal(safeFileName('a\u0000b\r\nc\u200Bd.txt', 'text/plain'), 'ab cd.txt');
    assert.equal(safeFileName('what?<>:"|*.txt', 'text/plain'), 'what_______.txt');
    assert.equal(safeFileName('...hidden', 'text/plain'), 'hidden.txt');
    assert.equal(safeFileName('   ', 'image/png'), 'file.png');
    assert.equal(safeFileName('👩‍💻 notes.txt', 'text/plain'), '👩‍💻 notes.txt', 'emoji joiners stay');
  });

  it('gives a file whose extension lies about its content the right one', () => {
    assert.equal(safeFileName('cat.png', 'image/jpeg'), 'cat.png.jpg');
    assert.equal(safeFileName('report', 'application/pdf'), 'report.pdf');
    assert.equal(safeFileName('data.CSV', 'text/plain'), 'data.CSV');
  });

  it('cuts long names to 200 characters, keeping the extension', () => {
    const name = safeFileName(`${'x'.repeat(300)}.pdf`, 'application/pdf');
    assert.equal([...name].length, 200);
    assert.ok(name.endsWith('.pdf'));
  });

  it('sends names to browsers as an ASCII fallback and the exact UTF-8', () => {
    assert.equal(contentDisposition('attachment', 'Faktura æøå "x".pdf'),
      `attachment; filename="Faktura ___ _x_.pdf"; filename*=UTF-8''Faktura%20%C3%A6%C3%B8%C3%A5%20%22x%22.pdf`);
    assert.equal(contentDisposition('inline', "it's.png"), `inline; filename="it's.png"; filename*=UTF-8''it%27s.png`);
  });
});
