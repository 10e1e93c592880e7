import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newTextOf } from './quote-strip.ts';

// Samples shaped like what the clients really write (line breaks, spacing, wrapping), with the
// history of a Parley email under the visitor's words.
const HISTORY = [
  'Hi Ann, your parcel left our warehouse this morning.',
  '',
  'Reply to this email or continue the conversation: https://shop.example/chat',
];

describe('newTextOf: the new part of an email reply', () => {
  it('takes Gmail\'s "On … wrote:" and the quote under it off a top-posted reply', () => {
    const text = [
      'Great, thank you! Can I change the delivery address?',
      '',
      'On Tue, Mar 5, 2024 at 10:02 AM Shop Support <reply+abcdefghijklmnopqrstuvwxyz@reply.shop.example> wrote:',
      '',
      ...HISTORY.map((l) => `> ${l}`.trimEnd()),
      '',
    ].join('\r\n');
    assert.equal(newTextOf(text), 'Great, thank you! Can I change the delivery address?');
  });

  it('recognises an attribution Gmail wrapped over two lines', () => {
    const text = [
      'Yes please.',
      '',
      'On Tue, Mar 5, 2024 at 10:02 AM Shop Support <',
      'reply+abcdefghijklmnopqrstuvwxyz@reply.shop.example> wrote:',
      '',
      ...HISTORY.map((l) => `>${l ? ` ${l}` : ''}`),
    ].join('\n');
    assert.equal(newTextOf(text), 'Yes please.');
  });

  it('takes Apple Mail\'s attribution, quote and "Sent from my iPhone" off', () => {
    const text = [
      'It arrived, all good.',
      '',
      'Sent from my iPhone',
      '',
      '> On 5 Mar 2024, at 10:02, Shop Support <reply+abcdefghijklmnopqrstuvwxyz@reply.shop.example> wrote:',
      '> ',
      ...HISTORY.map((l) => `> ${l}`),
    ].join('\n');
    assert.equal(newTextOf(text), 'It arrived, all good.');
  });

  it('cuts at Outlook\'s rule and From/Sent/To/Subject block', () => {
    const text = [
      'Hello,',
      '',
      'The invoice number is 2024-117.',
      '',
      'Regards,',
      'Ben',
      '',
      '________________________________',
      'From: Shop Support <reply+abcdefghijklmnopqrstuvwxyz@reply.shop.example>',
      'Sent: Tuesday, March 5, 2024 10:02 AM',
      'To: Ben Miller <ben@example.com>',
      'Subject: Re: Missing invoice',
      '',
      ...HISTORY,
    ].join('\r\n');
    assert.equal(newTextOf(text), 'Hello,\n\nThe invoice number is 2024-117.\n\nRegards,\nBen');
  });

  it('cuts at "-----Original Message-----" and at a bold header block made from HTML', () => {
    assert.equal(newTextOf(['Thanks, that works.', '', '-----Original Message-----', 'From: Shop Support', 'Sent: 05 March 2024 10:02', ...HISTORY].join('\n')), 'Thanks, that works.');
    assert.equal(newTextOf(['Perfect.', '', '*From:* Shop Support <support@shop.example>', '*Date:* Tuesday, 5 March 2024 at 10:02', '*To:* Ann <ann@example.com>', '*Subject:* Your order', ...HISTORY].join('\n')), 'Perfect.');
  });

  it('takes the "-- " signature off, and everything under it', () => {
    const text = ['Could you call me tomorrow morning?', '', '-- ', 'Jane Doe', 'Head of Purchasing, ACME Ltd.', '+44 20 7946 0958', '', '> Hi Jane,', '> Sure.'].join('\n');
    assert.equal(newTextOf(text), 'Could you call me tomorrow morning?');
  });

  it('keeps what a bottom-poster wrote under the quote, and an interleaved answer', () => {
    const bottom = ['On Tue, Mar 5, 2024 at 10:02 AM Shop Support <support@shop.example> wrote:', ...HISTORY.map((l) => `> ${l}`), '', 'Thanks, I will wait for it.'].join('\n');
    assert.equal(newTextOf(bottom), 'Thanks, I will wait for it.');
    const interleaved = ['> Which size do you need?', 'Medium.', '', '> And which colour?', 'Blue, please.'].join('\n');
    assert.equal(newTextOf(interleaved), 'Medium.\n\nBlue, please.');
  });

  it('takes Gmail\'s Chinese attribution "…于…写道：" and its quote off', () => {
    const text = [
      '好的，谢谢！请问可以开发票吗？',
      '',
      'Shop Support <reply+abcdefghijklmnopqrstuvwxyz@reply.shop.example> 于2024年3月5日周二 10:02写道：',
      '',
      '> 您好，您的包裹今天上午已从仓库发出。',
      '>',
      '> 回复此邮件即可继续对话。',
    ].join('\n');
    assert.equal(newTextOf(text), '好的，谢谢！请问可以开发票吗？');
  });

  it('takes Apple Mail\'s Chinese "在 … 写道：" and "发自我的iPhone" off', () => {
    const text = [
      '收到了，非常感谢。',
      '',
      '发自我的iPhone',
      '',
      '在 2024年3月5日，上午10:02，Shop Support <reply+abcdefghijklmnopqrstuvwxyz@reply.shop.example> 写道：',
      '',
      '您好，您的包裹今天上午已从仓库发出。',
    ].join('\n');
    assert.equal(newTextOf(text), '收到了，非常感谢。');
  });

  it('cuts at QQ Mail\'s "原始邮件" divider and at Chinese Outlook\'s "发件人:" block', () => {
    const qq = ['地址改成：上海市徐汇区漕溪北路 88 号。', '', '', '------------------ 原始邮件 ------------------', '发件人: "Shop Support"<reply+abcdefghijklmnopqrstuvwxyz@reply.shop.example>;', '发送时间: 2024年3月5日(星期二) 上午10:02', '收件人: "王芳"<wangfang@qq.com>;', '主题: 回复：订单问题', '', '您好，您的包裹今天上午已从仓库发出。'].join('\r\n');
    assert.equal(newTextOf(qq), '地址改成：上海市徐汇区漕溪北路 88 号。');
    const outlook = ['没问题。', '', '发件人: Shop Support <support@shop.example>', '发送时间: 2024年3月5日 10:02', '收件人: 李雷 <lilei@example.com>', '主题: 您的订单', '', '您好……'].join('\n');
    assert.equal(newTextOf(outlook), '没问题。');
  });

  it('leaves a reply without history as it is, "From:" in a sentence included', () => {
    const text = 'From: my side the order never arrived.\nSent: nothing since Monday.\n\nCan you check?';
    assert.equal(newTextOf(text), text);
    assert.equal(newTextOf('  Just one line.  \n'), 'Just one line.');
  });

  it('gives a reply that is nothing but quote back whole rather than nothing', () => {
    const text = '> Is everything all right with your order?\n> Let us know.';
    assert.equal(newTextOf(text), text);
  });
});
