/** Simplified Chinese: a chunk of its own, loaded instead of strings.ts for zh locales (locale.ts isZh). */
import type { Strings } from './strings.ts';

export const zh: Strings = {
  close: '关闭聊天',
  online: '我们通常在几分钟内回复',
  away: '暂时离开，稍后回复您',
  placeholder: '输入消息…',
  message: '聊天记录',
  send: '发送',
  attach: '添加文件',
  sending: '发送中…',
  sent: '已发送',
  seen: '已读',
  failed: '未发送。',
  retry: '重试',
  typing: '正在输入…',
  someone: '客服',
  today: '今天',
  yesterday: '昨天',
  connecting: '连接中…',
  offline: '暂时无法连接到我们。恢复连接后将自动发送您的消息。',
  sys: { joined: '%已加入', left: '%已离开', transferred: '已转接给%', resolved: '会话已解决', reopened: '会话已重新打开' },
};
